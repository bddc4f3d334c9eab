// Session: one control connection, from handshake to close, over a SessionTransport (TLS for
// Mumble clients, a WebSocket for the browser client). Owned by the ControlPlane's executor
// (single thread); its coroutines run there and everything it owns dies with it.
// Shape of the Asio C++20 chat server: deliver() queues and wakes the writer, stop() is the
// single exit.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/control_frame.hpp"
#include "protocol/control_message.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/version.hpp"
#include "server/control/session_transport.hpp"
#include "server/state/leaky_bucket.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "Mumble.pb.h"

namespace plenum::server::control {

class ControlPlane;

// TlsHandshake -> Connected (Version/Authenticate expected) -> [Verifying: a password is being
// checked off-thread] -> Authenticated -> Closing.
enum class SessionPhase : std::uint8_t { TlsHandshake, Connected, Verifying, Authenticated, Closing };

std::string_view to_string(SessionPhase phase) noexcept;

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;

  Session(ControlPlane& plane, std::shared_ptr<SessionTransport> transport, std::uint32_t id);

  void start();
  // Queues one complete frame; the writer sends frames in order. Never blocks. A frame queued
  // while a store write is pending is sent once that write has committed (and so are all after
  // it): a confirmation never reaches a client before its change is durable.
  void deliver(protocol::Bytes frame);
  // The store finished writes: frames held for them may go now.
  void wake_writer() { write_wakeup_.cancel_one(); }
  template <class Message>
  void send(const Message& message) {
    deliver(protocol::encode_frame(message));
  }
  // Ends the session (idempotent): closes the socket, wakes both loops, unregisters.
  void stop(std::string_view reason);
  // Sends what is queued (a Reject, a kick notice), then stops. Frames read meanwhile are ignored.
  void finish(std::string reason);
  bool finishing() const noexcept { return finishing_; }
  // The transport, for a browser's TLS connection that the web server takes over; the session
  // then ends without closing it. Call only before the session has read or written a frame.
  std::shared_ptr<SessionTransport> hand_over(std::string_view reason);
  const SessionTransport& transport() const noexcept { return *transport_; }
  // Stopped, or sending its last frames: nothing more should be built for it.
  bool closed() const noexcept { return stopped_ || finishing_; }

  std::uint32_t id() const noexcept { return id_; }
  SessionPhase phase() const noexcept { return phase_; }
  void set_phase(SessionPhase phase) noexcept { phase_ = phase; }
  bool authenticated() const noexcept { return phase_ == SessionPhase::Authenticated; }

  // What the peer told us and what TLS showed.
  protocol::Version client_version{};
  bool version_received = false;  // the first Version counts, even after Authenticate (Murmur)
  std::string client_release;
  std::string client_os;
  std::string cert_hash;        // SHA-1 hex of the client's leaf certificate, empty if none
  bool strong_certificate = false;
  std::string remote_address;   // for bans and UDP matching only; logged only with log_ip
  std::string peer_certificate_der;  // for UserStats, asked by the user or an admin

  // UDP crypto keys handed out at login (CryptSetup); the voice plane gets a copy.
  protocol::CryptStateOCB2 crypt;
  // Our decrypt statistics for this client (Ping replies), and what the client reports.
  protocol::CryptStats crypt_stats;
  protocol::CryptStats client_report;
  float udp_ping_avg = 0, udp_ping_var = 0, tcp_ping_avg = 0, tcp_ping_var = 0;
  std::uint64_t tcp_packets = 0;
  std::uint64_t udp_packets = 0;
  // Whisper/shout targets by id 1..30, as the client registered them.
  std::map<std::uint32_t, MumbleProto::VoiceTarget> voice_targets;

  // Murmur's per-client limits on chatty messages (§8.4) and plugin data (§2.25). A refusal
  // of the first is counted by the plane (metrics).
  bool allow_rate_limited();
  bool allow_plugin_message() { return plugin_bucket_.try_consume(Clock::now()); }

  // True the first time a message is ignored for `cause` (an index below 32): one log line
  // per session and cause, however many such messages it sends.
  bool first_ignored(std::size_t cause) noexcept {
    const std::uint32_t bit = 1U << cause;
    const bool first = (ignored_causes_ & bit) == 0;
    ignored_causes_ |= bit;
    return first;
  }

  Clock::time_point connected_at() const noexcept { return connected_at_; }
  Clock::time_point last_activity() const noexcept { return last_activity_; }
  std::size_t queued_bytes() const noexcept { return queued_bytes_; }

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void on_tls_established();
  // Tells the plane what the reader holds while not logged in (0 once logged in or stopped);
  // false when that closed the session.
  bool account_memory();

  ControlPlane& plane_;
  std::shared_ptr<SessionTransport> transport_;
  std::uint32_t id_;
  SessionPhase phase_ = SessionPhase::TlsHandshake;
  protocol::FrameReader reader_;
  struct QueuedFrame {
    protocol::Bytes bytes;
    std::uint64_t barrier = 0;  // the store write it waits for (ControlPlane::write_barrier)
  };
  std::deque<QueuedFrame> write_queue_;
  std::size_t queued_bytes_ = 0;
  boost::asio::steady_timer write_wakeup_;
  Clock::time_point connected_at_;
  Clock::time_point last_activity_;
  state::LeakyBucket message_bucket_;
  state::LeakyBucket plugin_bucket_;
  std::uint32_t ignored_causes_ = 0;
  std::size_t accounted_bytes_ = 0;  // counted in the plane's budget for connections before login
  bool stopped_ = false;
  bool finishing_ = false;
  std::string finish_reason_;
};

}  // namespace plenum::server::control
