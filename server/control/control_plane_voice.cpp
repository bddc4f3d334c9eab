// ControlPlane: its side of the voice plane. Voice sessions start at login and end at removal,
// routing snapshots follow every state change, tunnelled voice goes over, and what the voice
// plane reports (tunnel frames, crypt counters, resync needs) comes back through VoiceLink,
// which posts everything onto the control thread.
#include "server/audio/audio_plane.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/login_sequence.hpp"
#include "server/control/peer_address.hpp"
#include "server/voice/routing_snapshot_builder.hpp"
#include "server/voice/voice_plane.hpp"

#include <boost/asio/post.hpp>

namespace plenum::server::control {

namespace asio = boost::asio;

namespace {

std::string as_string(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Called on the voice thread; every method posts to the control thread, where the sessions live.
class VoiceLink final : public voice::ControlLink {
 public:
  explicit VoiceLink(ControlPlane& plane) noexcept : plane_{plane} {}

  void deliver_tunnel(std::vector<voice::TunnelFrame> frames) override {
    asio::post(plane_.executor(), [&plane = plane_, frames = std::move(frames)]() mutable {
      for (auto& frame : frames) plane.send_to(frame.session, std::move(frame.frame));
    });
  }

  void report_crypt_stats(std::vector<voice::CryptStatsReport> reports) override {
    asio::post(plane_.executor(), [&plane = plane_, reports = std::move(reports)] {
      for (const auto& report : reports) {
        if (Session* session = plane.find_session(report.session)) {
          session->crypt_stats = report.stats;
          session->udp_packets = report.udp_packets;
        }
      }
    });
  }

  void request_resync(voice::SessionId session) override {
    asio::post(plane_.executor(), [&plane = plane_, session] {
      // An empty CryptSetup: the client answers with the IV it encrypts with.
      plane.send_to(session, protocol::encode_frame(MumbleProto::CryptSetup{}));
    });
  }

  void send_server_nonce(voice::SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) override {
    asio::post(plane_.executor(), [&plane = plane_, session, nonce] {
      MumbleProto::CryptSetup reply;
      reply.set_server_nonce(as_string(nonce));
      plane.send_to(session, protocol::encode_frame(reply));
    });
  }

 private:
  ControlPlane& plane_;
};

}  // namespace

voice::ControlLink& ControlPlane::voice_link() {
  if (!voice_link_) voice_link_ = std::make_unique<VoiceLink>(*this);
  return *voice_link_;
}

void ControlPlane::start_voice_session(Session& session) {
  if (voice_ == nullptr) return;
  voice::AddVoiceSession add;
  add.session = session.id();
  add.key = session.crypt.key();
  add.encrypt_iv = session.crypt.encrypt_iv();
  add.decrypt_iv = session.crypt.decrypt_iv();
  add.format = protocol::udp_format_for(session.client_version);
  // An unparsable peer address leaves ::, which no datagram comes from: tunnel only.
  add.tcp_peer = mapped_address(session.remote_address).value_or(MappedAddress{});
  voice_->add_session(add);
}

void ControlPlane::on_late_version(Session& session) {
  if (auto* user = state_.users().find(session.id())) {
    user->version = protocol::to_v2(session.client_version);
    user->release = session.client_release;
    user->os = session.client_os;
  }
  // At login, without a Version, the voice plane was told the legacy format. Fresh keys make
  // the switch clean: the voice plane's copy of the session restarts with them, so nothing
  // encrypted under the old IVs in the old format is left to confuse either side.
  if (protocol::udp_format_for(session.client_version) == protocol::udp_format_for(protocol::Version{})) return;
  send_new_crypt_keys(session);
  start_voice_session(session);
}

void ControlPlane::end_voice_session(state::SessionId session) {
  if (voice_ != nullptr) voice_->remove_session(session);
}

void ControlPlane::publish_routing() {
  if (voice_ == nullptr) return;
  routing_stale_ = true;
  if (routing_flush_posted_) return;
  routing_flush_posted_ = true;
  asio::post(executor_, [this] {
    routing_flush_posted_ = false;
    flush_routing();
  });
}

void ControlPlane::flush_routing() {
  if (voice_ == nullptr || !routing_stale_ || stopping_) return;
  // Coalesced: at most one rebuild per interval, however many changes arrive; the last change
  // of a burst goes out when the interval ends (the timer), never later.
  const auto now = Session::Clock::now();
  if (now < next_routing_publish_) {
    if (!routing_timer_armed_) {
      routing_timer_armed_ = true;
      routing_timer_.expires_at(next_routing_publish_);
      routing_timer_.async_wait([this](const boost::system::error_code& ec) {
        routing_timer_armed_ = false;
        if (!ec) flush_routing();
      });
    }
    return;
  }
  routing_stale_ = false;
  next_routing_publish_ = now + limits_.routing_publish_interval;
  ++snapshots_published_;
  const auto targets_of = [this](state::SessionId id) -> const voice::VoiceTargets* {
    const Session* session = find_session(id);
    return session != nullptr ? &session->voice_targets : nullptr;
  };
  // Engine channels follow modes and members: their mix users first, so the snapshot names them.
  sync_mix_users();
  const voice::EngineContext context = engine_context();
  auto snapshot = voice::build_routing_snapshot(state_, targets_of, &context);
  if (engine_ != nullptr) engine_->set_snapshot(snapshot->engine_channels);
  voice_->publish(std::move(snapshot));
}

void ControlPlane::on_tunnel_voice(Session& session, const protocol::Bytes& packet) {
  if (voice_ == nullptr) {
    ++tunnel_packets_dropped_;
    return;
  }
  voice_->tunnel_voice(session.id(), packet);
}

void ControlPlane::on_client_nonce(Session& session, const protocol::CryptStateOCB2::Nonce& nonce) {
  session.crypt.set_decrypt_iv(nonce);
  if (voice_ != nullptr) voice_->set_decrypt_iv(session.id(), nonce);
}

void ControlPlane::on_server_nonce_request(Session& session) {
  // Only the voice plane knows how far our IV has advanced.
  if (voice_ != nullptr) {
    voice_->request_encrypt_iv(session.id());
    return;
  }
  MumbleProto::CryptSetup reply;
  reply.set_server_nonce(as_string(session.crypt.encrypt_iv()));
  session.send(reply);
}

}  // namespace plenum::server::control
