// ControlPlane: the TLS listener, every Session, and the server state they change. Runs on one
// io_context thread (STYLE.md §3); every member is touched only there. Handlers for each
// message topic live in handle_<topic>.cpp and change state through this class.
#pragma once

#include "protocol/bytes.hpp"
#include "server/config/server_config.hpp"
#include "server/control/control_limits.hpp"
#include "server/control/persistence.hpp"
#include "server/control/session.hpp"
#include "server/log/logger.hpp"
#include "server/state/account_registry.hpp"
#include "server/state/server_state.hpp"
#include "server/store/records.hpp"
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
#include <memory>
#include <string>
#include <vector>

namespace plenum::server::voice {
class VoicePlane;
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
  // Deletes an account; a user online with it becomes anonymous (UserState user_id = -1).
  void unregister(state::UserId id);

  // The voice plane (control_plane_voice.cpp). attach_voice before start(); the voice plane
  // must stop before this object dies, since it calls voice_link() from its thread.
  void attach_voice(voice::VoicePlane& voice) noexcept { voice_ = &voice; }
  voice::ControlLink& voice_link();
  // Marks the routing stale after any change to users, channels, flags, ACLs or voice targets.
  // One fresh RoutingSnapshot goes to the voice plane when the current frame is handled (so
  // before any reply the client could act on), or on the next turn, whichever comes first.
  void publish_routing();
  void flush_routing();
  void on_tunnel_voice(Session& session, const protocol::Bytes& packet);
  // CryptSetup from the client (§7.6): it tells us its IV, or asks for ours.
  void on_client_nonce(Session& session, const protocol::CryptStateOCB2::Nonce& nonce);
  void on_server_nonce_request(Session& session);
  void on_context_action(Session& session, const MumbleProto::ContextAction& action);

  // Sending.
  void send_to(std::uint32_t session, protocol::Bytes frame);
  // Every authenticated session, or those `filter` accepts.
  void broadcast(const protocol::Bytes& frame, const std::function<bool(const Session&)>& filter = {});
  template <class Message>
  void broadcast_message(const Message& message, const std::function<bool(const Session&)>& filter = {}) {
    broadcast(protocol::encode_frame(message), filter);
  }

  Session* find_session(std::uint32_t id) noexcept;
  const ControlLimits& limits() const noexcept { return limits_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  // For slow work (password hashing) that must not block the control thread.
  boost::asio::thread_pool& worker_pool() noexcept { return workers_; }
  const config::ServerConfig& config() const noexcept { return config_; }
  log::Logger& logger() noexcept { return logger_; }
  Persistence& persistence() noexcept { return persistence_; }
  state::ServerState& state() noexcept { return state_; }
  state::AccountRegistry& accounts() noexcept { return accounts_; }
  std::vector<store::BanRecord>& bans() noexcept { return bans_; }
  std::uint64_t drops(DropCause cause) const noexcept { return drops_[static_cast<std::size_t>(cause)]; }
  std::size_t session_count() const noexcept { return sessions_.size(); }

 private:
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::awaitable<void> sweep_loop();
  void sweep();
  void count_drop(Session& session, DropCause cause, std::string_view detail);

  // Passed by argument.
  boost::asio::any_io_executor executor_;
  const config::ServerConfig& config_;
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
  boost::asio::thread_pool workers_{1};
  std::array<std::uint64_t, static_cast<std::size_t>(DropCause::Count)> drops_{};
  std::uint64_t tunnel_packets_dropped_ = 0;
  bool stopping_ = false;
  WebHandler web_handler_;
  // Voice plane wiring.
  void start_voice_session(Session& session);
  void end_voice_session(state::SessionId session);
  voice::VoicePlane* voice_ = nullptr;
  std::unique_ptr<voice::ControlLink> voice_link_;
  bool routing_stale_ = false;
  bool routing_flush_posted_ = false;
};

}  // namespace plenum::server::control
