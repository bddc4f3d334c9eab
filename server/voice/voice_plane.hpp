// VoicePlane: the voice threads. One VoiceShard per thread (voice_threads), each with its own
// io_context, UDP socket on the TCP listener's address and port (SO_REUSEPORT when there are
// several), Outbox and VoiceRelay; the shards pass work to one another through the ShardMesh
// (STYLE.md §3). The control plane talks to the voice plane only through the posting methods
// below; it talks back through ControlLink, which any shard's thread may call.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "server/log/logger.hpp"
#include "server/voice/engine_feed.hpp"
#include "server/voice/routing_snapshot.hpp"
#include "server/voice/shard_mesh.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"
#include "server/voice/voice_relay.hpp"
#include "server/voice/voice_shard.hpp"

#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace plenum::server::voice {

class VoicePlane {
 public:
  static constexpr std::chrono::seconds kStatsInterval = VoiceShard::kStatsInterval;

  // `threads`: voice shards, 1..ShardMesh::kMaxShards (clamped). One is the single-threaded
  // plane exactly: no mesh traffic, every session homed on shard 0.
  VoicePlane(VoiceSettings settings, log::Logger& logger, ControlLink& link, std::size_t threads = 1);
  // Stops the threads and waits for them.
  ~VoicePlane();
  VoicePlane(const VoicePlane&) = delete;
  VoicePlane& operator=(const VoicePlane&) = delete;

  // Binds every shard's UDP socket (before start()); returns the bound endpoint. Throws.
  boost::asio::ip::udp::endpoint bind(const boost::asio::ip::udp::endpoint& endpoint);
  void start();
  // Any thread, idempotent, does not wait: each thread ends after its current batch.
  void stop();
  // Waits for the threads to end (after stop()), then logs the summed counters once.
  void join();
  std::size_t threads() const noexcept { return shards_.size(); }

  // Control -> voice messages. Any thread; each shard gets them in call order, and before any
  // datagram that reached it after the call returned. Session-wide state changes go to every
  // shard; requests that need the session's live copy go to its fallback shard, which passes
  // them to the home shard when that is another one.
  void add_session(AddVoiceSession add);
  void remove_session(SessionId session);
  void set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce);
  void request_encrypt_iv(SessionId session);
  void publish(std::shared_ptr<const RoutingSnapshot> snapshot);
  // A reload (SIGHUP): every shard takes the new settings before its next datagram.
  void update_settings(const VoiceSettings& settings);
  void tunnel_voice(SessionId session, protocol::Bytes packet);

  // The audio engine's side (any thread; the engine thread in practice).
  void publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection);
  // Every shard gets every tick and sends it to the mix listeners it holds the crypt state of.
  void deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks);
  // Engine thread only: the speaker frames the shards queued since the last call.
  void drain_engine_frames(const std::function<void(const audio::SpeakerFrame&)>& take) {
    feed_.drain(take);
  }

  // The counters of all shards when their threads ended (what the shutdown log line shows).
  VoiceCounters final_counters() const;

 private:
  VoiceShard& fallback(SessionId session) noexcept {
    return *shards_[VoiceRelay::fallback_shard(session, shards_.size())];
  }

  // Passed by argument.
  log::Logger& logger_;
  // Allocated by this. The mesh outlives the shards, whose threads use it.
  ShardMesh mesh_;
  EngineFeed feed_;  // outlives the shards, which fill it
  std::vector<std::unique_ptr<VoiceShard>> shards_;
  bool logged_ = false;  // the thread that calls join(): the summary is logged once
};

}  // namespace plenum::server::voice
