// Connection: one plenum-cli session with a Mumble-protocol server: TLS control channel with
// trust on first use, login and channel join, TCP and UDP pings, OCB2-encrypted UDP voice with
// fallback to the UDPTunnel, crypt resync, and reconnection with backoff when asked.
// Lives on one io_context thread; every member is called there, and the listener is called
// back there. The owner keeps it alive until run() has completed.
#pragma once

#include "client-cli/core/received_voice.hpp"
#include "client-cli/core/server_view.hpp"
#include "client-cli/core/voice_path.hpp"
#include "client-cli/core/voice_sender.hpp"
#include "protocol/control_message.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/tls_identity.hpp"
#include "protocol/version.hpp"

#include <boost/asio/awaitable.hpp>
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
#include <filesystem>
#include <optional>
#include <string>

namespace plenum::client {

struct ConnectionConfig {
  std::string host;
  std::uint16_t port = 64738;
  std::string username;
  std::string password;
  std::string channel_path;  // joined after login; "" = wherever the server puts us
  protocol::TlsIdentity identity;
  std::filesystem::path known_servers_file;
  bool trust_new_certificate = false;
  bool udp_enabled = true;   // false: voice and pings never touch UDP (tests of the tunnel)
  bool reconnect = false;    // interactive mode: retry with backoff after a non-fatal loss
  std::chrono::seconds connect_timeout{10};
  std::string release = "plenum-cli 0.1.0";
  // --mode: the listener mode asked of a Plenum server once joined ("topk", "mix"; "" or "all"
  // asks nothing). Other servers have no modes: the client says so once and listens to all.
  std::string listener_mode;
};

// Why a session ended. Fatal reasons (rejected login, changed certificate, missing channel)
// are not retried.
struct Disconnect {
  std::string reason;
  bool fatal = false;
};

// What the connection tells its owner. Called on the connection's executor.
class ConnectionListener {
 public:
  virtual ~ConnectionListener() = default;
  // Logged in and in the requested channel.
  virtual void on_joined() = 0;
  virtual void on_voice(const ReceivedVoice& voice) = 0;
  // A line for the user: text messages, notices; also sent (with empty text) when channels or
  // users changed.
  virtual void on_event(const std::string& text) = 0;
  virtual void on_disconnected(const Disconnect& why, bool will_retry) = 0;
};

struct ConnectionStats {
  std::uint64_t voice_sent_udp = 0;
  std::uint64_t voice_sent_tcp = 0;
  std::uint64_t voice_received_udp = 0;
  std::uint64_t voice_received_tcp = 0;
  std::uint64_t udp_decrypt_failures = 0;
  std::uint64_t resync_requests = 0;
  std::optional<double> udp_ping_ms;  // smoothed round trips
  std::optional<double> tcp_ping_ms;
  protocol::CryptStats crypt;         // what we decrypted (good/late/lost/resync)
  protocol::CryptStats server_crypt;  // what the server says it decrypted from us
  VoicePath path = VoicePath::Tcp;
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(boost::asio::io_context& io, ConnectionConfig config, ConnectionListener& listener);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (and reconnects, if configured) until stop() or a final disconnect. co_spawn it.
  boost::asio::awaitable<void> run();
  // Ends the session; run() completes soon after.
  void stop();

  bool joined() const noexcept { return joined_; }
  const ServerView& view() const noexcept { return view_; }
  const ConnectionStats& stats() const noexcept { return stats_; }
  std::uint32_t max_bandwidth() const noexcept { return max_bandwidth_; }
  std::string server_name() const;
  VoicePath path();

  // Sends one voice packet (normal talking) over the current path. False when not joined or
  // not keyed (Mumble sends no voice without a CryptSetup either).
  bool send_voice(const OutgoingVoice& voice);
  void join_channel(std::uint32_t channel_id);
  void send_text(std::uint32_t channel_id, const std::string& text);
  void set_self_mute_deaf(bool mute, bool deaf);

 private:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  boost::asio::awaitable<Disconnect> run_session();
  boost::asio::awaitable<std::optional<Disconnect>> open_transport();
  boost::asio::awaitable<std::optional<Disconnect>> connect_tcp(boost::asio::steady_timer& deadline);
  boost::asio::awaitable<std::optional<Disconnect>> handshake_tls(
      boost::asio::steady_timer& deadline);
  std::optional<Disconnect> check_certificate();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> timer_loop();
  boost::asio::awaitable<void> udp_loop();
  void end_session(Disconnect why);
  void reset_session_state();

  // Control messages (connection_control.cpp).
  void on_control(protocol::ControlMessage message);
  void on_server_version(const MumbleProto::Version& version);
  void send_hello();
  void on_crypt_setup(const MumbleProto::CryptSetup& setup);
  void on_server_sync(const MumbleProto::ServerSync& sync);
  void on_user_state(const MumbleProto::UserState& state);
  void on_user_remove(const MumbleProto::UserRemove& remove);
  void on_text_message(const MumbleProto::TextMessage& text);
  void request_listener_mode();
  void on_ping_reply(const MumbleProto::Ping& ping);
  void on_permission_denied(const MumbleProto::PermissionDenied& denied);
  void start_join();
  void check_joined();
  void send_tcp_ping();
  template <class M>
  void send(const M& message);
  void queue_frame(protocol::Bytes frame);

  // UDP (connection_udp.cpp).
  void send_udp_ping();
  void on_udp_datagram(std::size_t size);
  void on_voice_plaintext(protocol::ByteView plaintext, VoicePath path);
  bool send_udp(protocol::ByteView plaintext);
  void maybe_request_resync();
  std::uint64_t timestamp_now() const;

  // Passed by argument.
  boost::asio::io_context& io_;
  ConnectionConfig config_;
  ConnectionListener& listener_;

  // Allocated by this; per session unless noted.
  boost::asio::ssl::context tls_context_;  // for the whole lifetime
  std::optional<TlsStream> tls_;
  std::optional<boost::asio::ip::udp::socket> udp_;
  boost::asio::ip::tcp::endpoint peer_;
  boost::asio::steady_timer wake_writer_;
  boost::asio::steady_timer tick_;
  boost::asio::steady_timer backoff_;  // for the whole lifetime
  protocol::FrameReader frames_;
  std::deque<protocol::Bytes> outbox_;
  protocol::CryptStateOCB2 crypt_;
  std::array<std::byte, 2048> udp_in_{};
  std::array<std::byte, 2048> udp_plain_{};

  // Others.
  ServerView view_;
  VoicePathMonitor path_monitor_;
  ConnectionStats stats_;
  protocol::Version server_version_{};
  protocol::Version announced_version_{};
  protocol::UdpFormat format_ = protocol::UdpFormat::Legacy;
  std::uint32_t max_bandwidth_ = 0;
  std::optional<std::uint32_t> join_target_;
  std::optional<Disconnect> ended_;
  Clock::time_point session_start_{};
  Clock::time_point epoch_;  // for ping timestamps, fixed for the whole lifetime
  unsigned tcp_pings_in_flight_ = 0;
  unsigned udp_probes_left_ = 0;
  bool hello_sent_ = false;
  bool synced_ = false;
  bool plenum_server_ = false;  // ServerSync carried plenum_features
  bool joined_ = false;
  bool stopping_ = false;
  Clock::time_point next_udp_ping_ = Clock::time_point::max();
};

template <class M>
void Connection::send(const M& message) {
  queue_frame(protocol::encode_frame(message));
}

}  // namespace plenum::client
