// ControlPlane: the TLS listener, every Session, and the server state they change. Runs on one
// io_context thread (STYLE.md §3); every member is touched only there. Handlers for each
// message topic live in handle_<topic>.cpp and change state through this class.
#pragma once

#include "protocol/bytes.hpp"
#include "server/config/server_config.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/control/control_limits.hpp"
#include "server/control/mix_users.hpp"
#include "server/control/login_throttle.hpp"
#include "server/control/password_check_queue.hpp"
#include "server/control/persistence.hpp"
#include "server/control/session.hpp"
#include "server/log/logger.hpp"
#include "server/metrics/metrics_board.hpp"
#include "server/state/account_registry.hpp"
#include "server/state/server_state.hpp"
#include "server/store/records.hpp"
#include "server/voice/engine_routes.hpp"
#include "server/voice/voice_commands.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace plenum::server::voice {
class VoicePlane;
}
namespace plenum::server::audio {
class AudioPlane;
}

namespace plenum::server::control {

// Why a connection was dropped or a message ignored; counted, and logged once per cause.
enum class DropCause : std::uint8_t {
  TlsHandshake,
  HandshakeTimeout,
  LoginTimeout,
  IdleTimeout,
  OversizeFrame,
  UnknownMessageType,
  UndecodableMessage,
  SendQueueOverflow,
  Banned,
  UnauthenticatedMemory,
  UnauthenticatedEvicted,
  Count
};

ControlLimits make_control_limits(const config::ServerConfig& config);

// Why a user left; what the others are told in UserRemove.
struct Removal {
  std::optional<std::uint32_t> actor;  // who kicked or banned; none for a plain disconnect
  std::string reason;
  bool ban = false;
};

class ControlPlane {
 public:
  ControlPlane(boost::asio::any_io_executor executor, const config::ServerConfig& config,
               log::Logger& logger, boost::asio::ssl::context& tls, store::Store& store,
               LoadedState loaded);

  // Binds the listeners; returns the TCP endpoint actually bound (port 0 → a free port).
  boost::asio::ip::tcp::endpoint listen();
  void start();
  void stop();

  // The web client (server/web): browsers' TLS connections go to `handler` after the handshake;
  // adopt() makes a Session of a WebSocket it accepted, with the same checks as any other.
  using WebHandler = std::function<void(std::shared_ptr<SessionTransport>)>;
  void attach_web(WebHandler handler) { web_handler_ = std::move(handler); }
  void adopt(std::shared_ptr<SessionTransport> transport);

  // Events from sessions.
  void on_tls_established(Session& session);
  void on_frame(Session& session, std::uint16_t type, protocol::ByteView payload);
  void on_protocol_violation(Session& session, DropCause cause, std::string_view detail);
  void on_session_closed(Session& session, SessionPhase was, std::string_view reason);
  // A session before login now holds `now` bytes of received data (it held `before`); false
  // when that passes the global budget, and the session has been closed.
  bool on_unauthenticated_memory(Session& session, std::size_t before, std::size_t now);
  void on_user_joined(Session& session);

  // Users.
  // Takes an authenticated user out of the state and tells everyone (the user included, so
  // it sees why); the session then closes after sending what is queued.
  void remove_user(Session& session, const Removal& removal);
  void kick_ghost(std::uint32_t ghost);
  // Broadcasts a UserState for every user whose suppression changed after an ACL edit.
  void announce_suppression_changes();
  // Moves a user and tells everyone; removes a temporary channel it leaves empty.
  void move_user(state::SessionId session, state::ChannelId channel, std::optional<state::SessionId> actor);
  std::vector<Session*> authenticated_sessions();
  std::string remote_address_of(std::uint32_t session) const;
  bool is_banned(const Session& session) const;
  // Deletes accounts; a user online with one becomes anonymous (UserState user_id = -1).
  void unregister(const std::vector<state::UserId>& ids);

  // The voice plane (control_plane_voice.cpp). attach_voice before start(); the voice plane
  // must stop before this object dies, since it calls voice_link() from its thread.
  void attach_voice(voice::VoicePlane& voice) noexcept { voice_ = &voice; }
  voice::ControlLink& voice_link();
  // Marks the routing stale after a change to users, channels, flags, ACLs or voice targets;
  // handlers call it only when they changed something (never for a denied or rate-limited
  // message). A fresh RoutingSnapshot goes to the voice plane when the current frame is handled
  // or on the next turn, but at most once per limits().routing_publish_interval: later changes
  // wait for the interval's end.
  void publish_routing();
  void flush_routing();
  // Snapshots built and handed to the voice plane so far (the debug stats line shows it).
  std::uint64_t snapshots_published() const noexcept { return snapshots_published_; }
  void on_tunnel_voice(Session& session, const protocol::Bytes& packet);
  // The client's first Version came after its login: adopt it (state, UDP format).
  void on_late_version(Session& session);
  // CryptSetup from the client (§7.6): it tells us its IV, or asks for ours.
  void on_client_nonce(Session& session, const protocol::CryptStateOCB2::Nonce& nonce);
  void on_server_nonce_request(Session& session);
  void on_context_action(Session& session, const MumbleProto::ContextAction& action);

  // The audio engine (control_plane_engine.cpp). attach_engine before start(); the engine must
  // stop before this object dies, since its thread posts here.
  void attach_engine(audio::AudioPlane& engine) noexcept { engine_ = &engine; }
  void on_engine_selection(std::shared_ptr<const audio::SelectionSnapshot> selection);
  void on_engine_notices(const std::vector<audio::EngineNotice>& notices);
  // The mix users a newcomer must learn (login sequence).
  void send_mix_users(Session& session);
  bool is_mix_user(state::SessionId session) const noexcept { return mix_users_.is_mix_user(session); }
  const MixUsers& mix_users() const noexcept { return mix_users_; }
  // Mumble's SuggestConfig for a user entering a channel that asks for push-to-talk.
  void suggest_channel_config(Session& session, state::ChannelId channel);

  // Sending.
  void send_to(std::uint32_t session, protocol::Bytes frame);
  // Every authenticated session, or those `filter` accepts.
  void broadcast(const protocol::Bytes& frame, const std::function<bool(const Session&)>& filter = {});
  template <class Message>
  void broadcast_message(const Message& message, const std::function<bool(const Session&)>& filter = {}) {
    broadcast(protocol::encode_frame(message), filter);
  }

  // Durable confirmations (issue 12, defect 7): a frame queued after a store write is sent once
  // the store has finished that write. write_barrier() is the write a frame queued now waits
  // for (0: none pending); writes_finished() what the store has finished (control thread's view).
  std::uint64_t write_barrier() const noexcept {
    return persistence_.last_write() > writes_finished_ ? persistence_.last_write() : 0;
  }
  std::uint64_t writes_finished() const noexcept { return writes_finished_; }
  // The session holds frames until writes_finished() reaches a barrier: wake it when it does.
  void wait_for_writes(Session& session) { write_waiters_.insert(session.id()); }
  ~ControlPlane();

  Session* find_session(std::uint32_t id) noexcept;
  const ControlLimits& limits() const noexcept { return limits_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  // For slow work (password hashing) that must not block the control thread.
  boost::asio::thread_pool& worker_pool() noexcept { return workers_; }
  // Password checks, clean addresses first (handle_authenticate.cpp).
  PasswordCheckQueue& password_checks() noexcept { return password_checks_; }
  LoginThrottle& login_throttle() noexcept { return login_throttle_; }
  // A wrong password or server password: counted against the address and `account` (may be
  // empty); the address may be autobanned by it.
  void on_login_failure(Session& session, const std::string& account);
  // The running config: read it at the moment of use, so a reload reaches every reader.
  const config::ServerConfig& config() const noexcept { return config_; }
  // A reload (control_plane_reload.cpp): takes the new config, its limits and state rules.
  // Only keys config::reloadable() names differ from the running ones.
  void apply_config(config::ServerConfig next);
  log::Logger& logger() noexcept { return logger_; }
  Persistence& persistence() noexcept { return persistence_; }
  state::ServerState& state() noexcept { return state_; }
  state::AccountRegistry& accounts() noexcept { return accounts_; }
  std::vector<store::BanRecord>& bans() noexcept { return bans_; }
  std::uint64_t drops(DropCause cause) const noexcept { return drops_[static_cast<std::size_t>(cause)]; }
  std::size_t session_count() const noexcept { return sessions_.size(); }
  bool stopping() const noexcept { return stopping_; }
  // Speaking-time limits and breakout ends (plenary_timer.hpp); cancelled by stop().
  boost::asio::steady_timer& plenary_timer() noexcept { return plenary_timer_; }

  // Metrics (control_plane_metrics.cpp): a message a session's rate limit refused, and what
  // the plane's state and counters say now (sums only: no names, no addresses).
  void on_rate_limited() noexcept { ++messages_rate_limited_; }
  metrics::ControlReading metrics_reading() const;

 private:
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::awaitable<void> sweep_loop();
  void sweep();
  void count_drop(Session& session, DropCause cause, std::string_view detail);
  // A message dropped without closing the session: counted, logged once per session and cause.
  void ignore_message(Session& session, DropCause cause, std::uint16_t type);

  // Passed by argument.
  boost::asio::any_io_executor executor_;
  config::ServerConfig config_;  // the running copy; apply_config replaces it
  log::Logger& logger_;
  boost::asio::ssl::context& tls_;
  // Allocated by this.
  Persistence persistence_;
  ControlLimits limits_;
  state::ServerState state_;
  state::AccountRegistry accounts_;
  std::vector<store::BanRecord> bans_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::map<std::uint32_t, std::shared_ptr<Session>> sessions_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer plenary_timer_;
  boost::asio::thread_pool workers_{1};
  // After workers_: destroyed first, while the pool (joined last) may still finish a check.
  PasswordCheckQueue password_checks_;
  LoginThrottle login_throttle_;
  log::LogThrottle autoban_log_{std::chrono::seconds{10}};
  std::array<std::uint64_t, static_cast<std::size_t>(DropCause::Count)> drops_{};
  std::uint64_t tunnel_packets_dropped_ = 0;
  std::array<std::uint64_t, protocol::kMessageTypeCount> messages_received_{};
  std::uint64_t messages_rate_limited_ = 0;
  std::uint64_t login_failures_ = 0;
  std::size_t unauthenticated_bytes_ = 0;  // what sessions before login hold, in all
  std::uint64_t writes_finished_ = 0;
  std::set<std::uint32_t> write_waiters_;
  void on_writes_finished(std::uint64_t finished);
  log::LogThrottle accept_log_{std::chrono::seconds{10}};
  log::LogThrottle eviction_log_{std::chrono::seconds{10}};
  boost::asio::awaitable<void> accept_backoff();
  void evict_oldest_unauthenticated();
  bool stopping_ = false;
  WebHandler web_handler_;
  // Voice plane wiring.
  void start_voice_session(Session& session);
  void end_voice_session(state::SessionId session);
  voice::VoicePlane* voice_ = nullptr;
  std::unique_ptr<voice::ControlLink> voice_link_;
  bool routing_stale_ = false;
  bool routing_flush_posted_ = false;
  // Audio engine wiring.
  voice::EngineContext engine_context() const;
  std::string name_of(state::SessionId session) const;
  void sync_mix_users();
  void announce_mix_speakers();
  audio::AudioPlane* engine_ = nullptr;
  MixUsers mix_users_;
  std::shared_ptr<const audio::SelectionSnapshot> selection_;
  // Wakes announce_mix_speakers when a held-back comment change falls due (MixUsers::next_flush).
  boost::asio::steady_timer mix_comment_timer_;
  bool mix_comment_timer_armed_ = false;
  boost::asio::steady_timer routing_timer_;
  bool routing_timer_armed_ = false;
  Session::Clock::time_point next_routing_publish_{};
  std::uint64_t snapshots_published_ = 0;
};

}  // namespace plenum::server::control
