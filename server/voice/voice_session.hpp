// VoiceSession: the voice plane's side of one authenticated client: its copy of the UDP crypto,
// its UDP endpoint once learned, which path its voice takes, and its bandwidth record. Created
// by AddVoiceSession and owned by the VoiceRelay on the voice thread; dies with
// RemoveVoiceSession. With several voice shards each holds a copy, and only the copy of the
// shard named in `home` is used for crypto, bandwidth and endpoint (voice_relay.hpp).
#pragma once

#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/version.hpp"
#include "server/voice/bandwidth_limiter.hpp"
#include "server/voice/datagram.hpp"
#include "server/voice/endpoint_index.hpp"
#include "server/voice/voice_commands.hpp"

#include <boost/asio/ip/udp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace plenum::server::voice {

// Which shard owns a session's state. Shared by the session's copies on every shard and set once,
// by the first shard to decrypt a datagram from it (or, for a tunnel-only client, its fallback
// shard): the decrypt window and the encrypt IV sequence must advance in one place.
struct HomeSlot {
  static constexpr int kUnclaimed = -1;
  std::atomic<int> shard{kUnclaimed};
};

struct VoiceSession {
  using Clock = std::chrono::steady_clock;

  VoiceSession(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home_slot, Clock::time_point now);

  // §6: voice goes to the client over UDP while its address is known and it has not switched
  // to the tunnel (UDPTunnel from it clears the flag, UDP voice from it sets it again).
  bool reachable_by_udp() const noexcept { return has_endpoint && use_udp; }

  SessionId id;
  std::shared_ptr<HomeSlot> home;
  protocol::CryptStateOCB2 crypt;
  protocol::UdpFormat format;
  IpKey tcp_ip;

  bool has_endpoint = false;
  EndpointKey endpoint_key{};
  boost::asio::ip::udp::endpoint endpoint;  // as the socket reported it, to send back to
  LocalAddress local;                       // where the client sends to; we answer from there
  bool use_udp = true;

  BandwidthLimiter bandwidth;
  std::uint64_t udp_packets = 0;
  // What the control plane last heard about the counters, to report only changes.
  protocol::CryptStats reported_stats;
  std::uint64_t reported_udp_packets = 0;
};

}  // namespace plenum::server::voice
