// LoadClient: one simulated Mumble 1.3.4 client of plenum-load. TLS control channel (Version,
// Authenticate, keepalive Pings, the `/mode` text command and its reply), a connected UDP
// socket with OCB2 crypto, pre-encoded Opus voice out, voice in (drained with recvmmsg) tallied
// by sender: our speakers' packets timed through the SendLog, the virtual mix user's checked
// for gaps and, on a few listeners, decoded. Event-driven on the generator's single io_context;
// owned by LoadRun, which keeps it alive until that io_context stops running.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/control_frame.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/voice_packet.hpp"
#include "tests/load/listener_tally.hpp"
#include "tests/load/load_counters.hpp"
#include "tests/load/mix_decoding.hpp"
#include "tests/load/send_log.hpp"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace plenum::load {

// Buffers every client borrows while it handles one event: the generator has one thread, so
// one set serves all (2,000 clients with private 32-datagram batches would waste 100 MB).
struct UdpScratch {
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kDatagramSize = 1500;
  UdpScratch();
  std::array<mmsghdr, kBatch> messages{};
  std::array<iovec, kBatch> vectors{};
  std::array<std::array<std::byte, kDatagramSize>, kBatch> datagrams{};
  // Room for one SCM_TIMESTAMPNS per datagram (CMSG_SPACE(sizeof(timespec)) is 32 on Linux).
  static constexpr std::size_t kControlSize = 64;
  std::array<std::array<std::byte, kControlSize>, kBatch> controls{};
  std::array<std::byte, kDatagramSize> plain{};
  std::array<std::byte, kDatagramSize> cipher{};
};

// What all clients of a run share; outlives them.
struct LoadClientContext {
  boost::asio::io_context& io;
  boost::asio::ssl::context& tls;
  boost::asio::ip::tcp::endpoint server;
  LoadCounters& counters;
  UdpScratch& scratch;
  SendLog& send_log;
};

class LoadClient {
 public:
  enum class State { Idle, Connecting, LoggingIn, UdpProbing, Ready, Failed };

  LoadClient(LoadClientContext& context, std::uint32_t index, std::string username);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Connects, logs in, and sends UDP pings until one comes back (the server then knows our
  // UDP address). Calls on_settled exactly once: Ready, or Failed with failure() set.
  void start(std::chrono::milliseconds timeout, std::function<void()> on_settled);
  // One encrypted legacy voice packet: `opus` as the `sequence`th 20 ms frame (frame number
  // 2 * sequence). Ready clients only; false when it was not sent.
  bool send_voice(protocol::ByteView opus, std::uint64_t sequence);
  // A TextMessage to our channel (the root: load clients never move), e.g. `/mode mix`.
  void send_channel_text(const std::string& message);
  // A TCP Ping, which keeps the server's idle timeout away.
  void send_tcp_ping();
  // Closes both sockets; later completions are ignored.
  void close();

  State state() const noexcept { return state_; }
  const std::string& failure() const noexcept { return failure_; }
  std::uint32_t index() const noexcept { return index_; }
  bool disconnected() const noexcept { return disconnected_; }
  std::uint32_t session() const noexcept { return session_; }
  ListenerTally& tally() noexcept { return tally_; }
  const ListenerTally& tally() const noexcept { return tally_; }
  // This listener decodes the mix from now on.
  void decode_mix(std::unique_ptr<MixDecoding> decoding) { decoding_ = std::move(decoding); }
  const MixDecoding* decoding() const noexcept { return decoding_.get(); }

 private:
  void on_tcp_connected();
  void send_hello();
  void queue_frame(protocol::Bytes frame);
  void write_next();
  void read_next();
  void on_frame(std::uint16_t type, protocol::ByteView payload);
  void on_crypt_setup(protocol::ByteView payload);
  void on_server_sync(protocol::ByteView payload);
  void on_text_message(protocol::ByteView payload);
  void on_forwarded(const protocol::VoicePacket& packet, std::uint64_t now_ns);
  void on_mix(const protocol::VoicePacket& packet, std::uint64_t now_ns);
  void open_udp();
  void send_udp_ping();
  void wait_udp();
  void drain_udp();
  void on_datagram(protocol::ByteView datagram, std::uint64_t received_ns);
  void on_voice(protocol::ByteView plain, bool tunnel, std::uint64_t now_ns);
  void fail(const std::string& reason);
  void settle();

  // Passed by argument.
  LoadClientContext& context_;
  const std::uint32_t index_;
  const std::string username_;

  // Allocated by this.
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> tls_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer udp_retry_;
  protocol::FrameReader reader_;
  protocol::CryptStateOCB2 crypt_;
  std::deque<protocol::Bytes> outgoing_;
  bool writing_ = false;

  State state_ = State::Idle;
  bool closed_ = false;
  bool disconnected_ = false;  // lost the server after being Ready
  std::string failure_;
  std::function<void()> on_settled_;
  std::uint32_t session_ = 0;

  ListenerTally tally_;
  std::vector<bool> heard_;  // by sender session: heard in this window
  std::unique_ptr<MixDecoding> decoding_;
};

}  // namespace plenum::load
