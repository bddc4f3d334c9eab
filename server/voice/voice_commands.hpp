// The messages between the control plane and the voice plane (STYLE.md §3: planes share no
// mutable objects; they post these and refer to each other by SessionId). Control -> voice
// messages are posted onto the voice io_context by VoicePlane; voice -> control ones go through
// ControlLink, whose implementation posts onto the control plane's executor.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/version.hpp"
#include "server/state/ids.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace plenum::server::voice {

using state::SessionId;

// A user passed login: the voice plane gets its own copy of the keys handed out in CryptSetup.
struct AddVoiceSession {
  SessionId session = 0;
  protocol::CryptStateOCB2::Key key{};
  protocol::CryptStateOCB2::Nonce encrypt_iv{};  // the server encrypts with this
  protocol::CryptStateOCB2::Nonce decrypt_iv{};  // the client encrypts with this
  protocol::UdpFormat format = protocol::UdpFormat::Legacy;  // what this client reads and writes
  // The TLS peer's IP as IPv6 bytes (IPv4 v4-mapped): only UDP from there may claim the session.
  std::array<std::uint8_t, 16> tcp_peer{};
};

// Voice for a receiver whose UDP does not work: one complete UDPTunnel frame.
struct TunnelFrame {
  SessionId session = 0;
  protocol::Bytes frame;
};

// A session's decrypt counters (for Ping replies and UserStats), sent when they change.
struct CryptStatsReport {
  SessionId session = 0;
  protocol::CryptStats stats;
  std::uint64_t udp_packets = 0;  // voice packets received over UDP
};

// What the voice plane tells the control plane. Called on the voice thread; implementations
// post to the control plane and never block.
class ControlLink {
 public:
  virtual ~ControlLink() = default;
  virtual void deliver_tunnel(std::vector<TunnelFrame> frames) = 0;
  virtual void report_crypt_stats(std::vector<CryptStatsReport> reports) = 0;
  // Datagrams from this client stopped decrypting (§7.6): send it an empty CryptSetup.
  virtual void request_resync(SessionId session) = 0;
  // The client asked for our IV (an empty CryptSetup): reply CryptSetup{server_nonce}.
  virtual void send_server_nonce(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) = 0;
};

}  // namespace plenum::server::voice
