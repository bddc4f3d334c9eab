#include "server/voice/voice_plane.hpp"

#include <algorithm>

namespace plenum::server::voice {

using boost::asio::ip::udp;

VoicePlane::VoicePlane(VoiceSettings settings, log::Logger& logger, ControlLink& link, std::size_t threads)
    : logger_{logger},
      mesh_{std::clamp<std::size_t>(threads, 1, ShardMesh::kMaxShards)},
      feed_{mesh_.size()} {
  for (std::size_t index = 0; index < mesh_.size(); ++index) {
    shards_.push_back(
        std::make_unique<VoiceShard>(settings, logger, link, mesh_, index, &feed_.ring(index)));
  }
  mesh_.set_waker([this](std::size_t shard) { shards_[shard]->wake(); });
}

VoicePlane::~VoicePlane() {
  stop();
  join();
}

udp::endpoint VoicePlane::bind(const udp::endpoint& endpoint) {
  const bool reuse_port = shards_.size() > 1;
  // The first socket picks the port when asked for port 0; the others join it there.
  const udp::endpoint bound = shards_.front()->bind(endpoint, reuse_port);
  for (std::size_t index = 1; index < shards_.size(); ++index) shards_[index]->bind(bound, reuse_port);
  return bound;
}

void VoicePlane::start() {
  for (auto& shard : shards_) shard->start();
}

void VoicePlane::stop() {
  for (auto& shard : shards_) shard->stop();
}

void VoicePlane::join() {
  // All before any is destroyed: a running shard may still wake the others.
  for (auto& shard : shards_) shard->join();
  if (logged_) return;
  logged_ = true;
  logger_.info("voice: stopped: {}", final_counters().summary());
}

VoiceCounters VoicePlane::final_counters() const {
  VoiceCounters total;
  for (const auto& shard : shards_) total += shard->final_counters();
  return total;
}

void VoicePlane::add_session(AddVoiceSession add) {
  auto home = std::make_shared<HomeSlot>();
  for (auto& shard : shards_) shard->add_session(add, home);
}

void VoicePlane::remove_session(SessionId session) {
  for (auto& shard : shards_) shard->remove_session(session);
}

void VoicePlane::set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) {
  for (auto& shard : shards_) shard->set_decrypt_iv(session, nonce);
}

void VoicePlane::request_encrypt_iv(SessionId session) { fallback(session).request_encrypt_iv(session); }

void VoicePlane::publish(std::shared_ptr<const RoutingSnapshot> snapshot) {
  for (auto& shard : shards_) shard->publish(snapshot);
}

void VoicePlane::update_settings(const VoiceSettings& settings) {
  for (auto& shard : shards_) shard->update_settings(settings);
}

void VoicePlane::tunnel_voice(SessionId session, protocol::Bytes packet) {
  fallback(session).tunnel_voice(session, std::move(packet));
}

void VoicePlane::publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) {
  for (auto& shard : shards_) shard->publish_selection(selection);
}

void VoicePlane::deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks) {
  for (auto& shard : shards_) shard->deliver_mix(ticks);
}

}  // namespace plenum::server::voice
