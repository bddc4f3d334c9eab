// MumbleTestClient: a synchronous Mumble-protocol client for integration and interop tests.
// TLS control channel plus encrypted UDP, every call bounded by a deadline. It drives its own
// io_context on the calling thread only; one test thread owns it.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/control_message.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/tls_identity.hpp"
#include "protocol/version.hpp"
#include "protocol/voice_packet.hpp"
#include "tests/support/process.hpp"
#include "tests/support/server_model.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace plenum::test {

// Thrown on a failed connect, a deadline passed inside a send, or a send on a closed link.
class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class VoicePath { Udp, Tunnel };

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  // 1.3.4 speaks legacy UDP; >= 1.5.0 speaks protobuf UDP to servers that announce >= 1.5.0.
  protocol::Version version{1, 3, 4};
  std::string release = "plenum-test-client";
  // Presented to the server when set (see protocol::generate_self_signed).
  std::optional<protocol::TlsIdentity> identity;
  // The TCP source address, e.g. "127.0.0.2" to come from another loopback address than the
  // other clients (Linux accepts all of 127/8). Empty: the kernel's choice.
  std::string local_address;
};

struct HandshakeRequest {
  std::string username;
  std::string password;
  std::vector<std::string> tokens;
  // After ServerSync, keep collecting until ServerConfig (both Murmur and Plenum send it).
  bool wait_for_server_config = true;
  // After ServerSync, send one encrypted UDP ping and wait for its echo, so that the server
  // learns our UDP address (Murmur learns it only that way). false: the server never sees
  // UDP from us and must tunnel voice to us over TCP.
  bool udp_ping = true;
  // Send Authenticate before Version, as some clients do (the server must still adopt it).
  bool version_after_authenticate = false;
};

struct ReceivedVoice {
  VoicePath path;
  protocol::Bytes packet;  // plaintext voice packet (no crypto header)
};

struct ClientStats {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t undecodable_frames = 0;  // unknown type or unparsable payload: skipped
  std::uint64_t tunnel_sent = 0;
  std::uint64_t tunnel_received = 0;
  std::uint64_t udp_sent = 0;
  std::uint64_t udp_received = 0;
  std::uint64_t udp_rejected = 0;  // datagrams that failed to decrypt
  protocol::CryptStats crypt;      // our decrypt counters (good/late/lost/resync)
};

// Messages consumed by receive_until: everything before the match, and the match.
template <class M>
struct Collected {
  std::vector<protocol::ControlMessage> before;
  std::optional<M> match;
};

class MumbleTestClient {
 public:
  explicit MumbleTestClient(ClientOptions options);
  ~MumbleTestClient();
  MumbleTestClient(const MumbleTestClient&) = delete;
  MumbleTestClient& operator=(const MumbleTestClient&) = delete;

  // TCP connect and TLS (1.2 or newer) handshake, accepting any server certificate; opens
  // the UDP socket towards the same address. Throws ClientError.
  void connect(Deadline deadline);
  // Version + Authenticate(opus), then every message up to ServerSync or Reject (and
  // ServerConfig, and the UDP ping, as the request says). Returns what arrived by the
  // deadline; check synced(). Throws ClientError when sending fails.
  Handshake handshake(const HandshakeRequest& request, Deadline deadline);

  // --- Control channel ---
  template <protocol::ControlProtobuf M>
  void send(const M& message, Deadline deadline) {
    send_raw(protocol::encode_frame(message), deadline);
  }
  // Bytes as they are, for malformed-input tests. Throws ClientError.
  void send_raw(protocol::ByteView bytes, Deadline deadline);
  // The next control message (UDPTunnel frames included) in arrival order; nullopt at the
  // deadline or once the connection is closed and nothing is left.
  std::optional<protocol::ControlMessage> receive(Deadline deadline);
  // Consumes messages up to the first M with pred(M); `match` stays empty at the deadline.
  template <class M, class Pred>
  Collected<M> receive_until(Pred pred, Deadline deadline);
  template <class M>
  Collected<M> receive_until(Deadline deadline) {
    return receive_until<M>([](const M&) { return true; }, deadline);
  }
  // Takes the first M with pred(M) out of the stream and leaves every other message queued.
  template <class M, class Pred>
  std::optional<M> wait_for(Pred pred, Deadline deadline);
  // TCP Ping with our crypt stats; returns the server's echo (same timestamp).
  std::optional<MumbleProto::Ping> ping_tcp(Deadline deadline);
  // True once the server has closed the connection (EOF, reset or TLS shutdown).
  bool is_closed_within(Deadline deadline);
  bool closed() const noexcept { return tcp_closed_; }
  void close();

  // --- UDP and voice (need the CryptSetup of the handshake) ---
  // Legacy unless both we and the server announced >= 1.5.0 (MUMBLE_PROTOCOL.md §4.7).
  protocol::UdpFormat udp_format() const;
  bool crypt_ready() const noexcept { return crypt_.is_valid(); }
  // Encrypts one plaintext datagram and sends it. Throws ClientError without a key.
  void send_udp(protocol::ByteView plaintext);
  // Sends a connectivity ping (legacy `0x20 ‖ varint ts` or protobuf `0x01 ‖ Ping{ts}`) and
  // returns the first ping that comes back (its plaintext), leaving voice queued.
  std::optional<protocol::Bytes> udp_ping(std::uint64_t timestamp, Deadline deadline);
  // A plaintext voice packet over UDP (encrypted) or as a UDPTunnel frame.
  void send_voice(protocol::ByteView plaintext, VoicePath path, Deadline deadline);
  // Encodes one Opus frame client-to-server in udp_format() (legacy or protobuf) and sends it.
  void send_opus(const protocol::VoicePacket& packet, VoicePath path, Deadline deadline);
  // The next voice packet from either path.
  std::optional<ReceivedVoice> receive_voice(Deadline deadline);
  // Decodes a received packet (server-to-client, udp_format()); views point into `voice`.
  protocol::Result<protocol::VoicePacket> decode(const ReceivedVoice& voice) const;
  // The next decrypted datagram of any kind (pings included).
  std::optional<protocol::Bytes> receive_udp(Deadline deadline);

  // --- State ---
  // Applied from every message as it arrives, including ones not yet receive()d.
  const ServerModel& model() const noexcept { return model_; }
  std::uint32_t session() const { return model_.session(); }
  const std::string& server_certificate_sha1() const noexcept { return server_cert_sha1_; }
  ClientStats stats() const;
  const ClientOptions& options() const noexcept { return options_; }

 private:
  using Predicate = std::function<bool(const protocol::ControlMessage&)>;

  // Runs handlers until done() or the deadline; false at the deadline.
  bool run_until(const std::function<bool()>& done, Deadline deadline);
  void start_tcp_read();
  void on_tcp_data(std::size_t size);
  void start_udp_read();
  void on_udp_datagram(std::size_t size);
  void start_write();
  void on_message(protocol::ControlMessage message);
  void on_crypt_setup(const MumbleProto::CryptSetup& setup);
  std::optional<protocol::ControlMessage> take_first(const Predicate& pred, Deadline deadline);
  std::optional<protocol::Bytes> take_udp(bool want_ping, Deadline deadline);
  void send_hello(const HandshakeRequest& request, Deadline deadline);

  // Passed by argument.
  ClientOptions options_;

  // Allocated by this. io_ outlives the sockets whose pending handlers it holds.
  boost::asio::io_context io_{1};
  boost::asio::ssl::context tls_context_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::ip::udp::socket udp_;
  protocol::FrameReader frames_;
  protocol::CryptStateOCB2 crypt_;
  std::array<std::byte, 2048> udp_buffer_{};

  // Others.
  ServerModel model_;
  ClientStats stats_;
  std::deque<protocol::ControlMessage> control_inbox_;
  std::deque<protocol::Bytes> udp_inbox_;  // decrypted plaintexts
  std::deque<protocol::Bytes> outbox_;     // frames not yet written; front is in flight
  bool writing_ = false;
  bool reading_tcp_ = false;
  bool reading_udp_ = false;
  bool tcp_closed_ = false;
  std::string close_reason_;
  std::string server_cert_sha1_;
  std::uint64_t next_ping_timestamp_ = 1;
};

template <class M, class Pred>
Collected<M> MumbleTestClient::receive_until(Pred pred, Deadline deadline) {
  Collected<M> result;
  while (auto message = receive(deadline)) {
    if (const M* typed = std::get_if<M>(&*message); typed != nullptr && pred(*typed)) {
      result.match = std::get<M>(std::move(*message));
      break;
    }
    result.before.push_back(std::move(*message));
  }
  return result;
}

template <class M, class Pred>
std::optional<M> MumbleTestClient::wait_for(Pred pred, Deadline deadline) {
  auto found = take_first(
      [&](const protocol::ControlMessage& message) {
        const M* typed = std::get_if<M>(&message);
        return typed != nullptr && pred(*typed);
      },
      deadline);
  if (!found) {
    return std::nullopt;
  }
  return std::get<M>(std::move(*found));
}

}  // namespace plenum::test
