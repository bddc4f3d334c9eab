// VoiceSession: the voice plane's side of one authenticated client: its copy of the UDP crypto,
// its UDP endpoint once learned, which path its voice takes, and its bandwidth record. Created
// by AddVoiceSession and owned by the VoiceRelay on the voice thread; dies with
// RemoveVoiceSession.
#pragma once

#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/version.hpp"
#include "server/voice/bandwidth_limiter.hpp"
#include "server/voice/datagram.hpp"
#include "server/voice/endpoint_index.hpp"
#include "server/voice/voice_commands.hpp"

#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>

namespace plenum::server::voice {

struct VoiceSession {
  using Clock = std::chrono::steady_clock;

  VoiceSession(const AddVoiceSession& add, Clock::time_point now);

  // §6: voice goes to the client over UDP while its address is known and it has not switched
  // to the tunnel (UDPTunnel from it clears the flag, UDP voice from it sets it again).
  bool reachable_by_udp() const noexcept { return has_endpoint && use_udp; }

  SessionId id;
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
