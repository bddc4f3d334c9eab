#include "server/control/control_plane.hpp"

#include "server/control/dispatch.hpp"
#include "server/control/tls_transport.hpp"
#include "server/store/store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace plenum::server::control {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::string_view to_string(DropCause cause) {
  switch (cause) {
    case DropCause::TlsHandshake: return "tls handshake failed";
    case DropCause::HandshakeTimeout: return "tls handshake timeout";
    case DropCause::LoginTimeout: return "no login within the deadline";
    case DropCause::IdleTimeout: return "idle timeout";
    case DropCause::OversizeFrame: return "oversize frame";
    case DropCause::UnknownMessageType: return "unknown message type";
    case DropCause::UndecodableMessage: return "undecodable message";
    case DropCause::SendQueueOverflow: return "send queue overflow";
    case DropCause::Banned: return "banned";
    case DropCause::UnauthenticatedMemory: return "unauthenticated memory budget";
    case DropCause::UnauthenticatedEvicted: return "evicted: too many connections before login";
    case DropCause::Count: break;
  }
  return "?";
}

// Guesses from addresses with failures that may wait for a password check; more are refused
// unrun (a legitimate user there retries after the queue drains).
constexpr std::size_t kSuspectCheckCapacity = 16;

}  // namespace

ControlLimits make_control_limits(const config::ServerConfig& config) {
  ControlLimits limits;
  limits.idle_timeout = config.network.timeout;
  return limits;
}

ControlPlane::ControlPlane(asio::any_io_executor executor, const config::ServerConfig& config,
                           log::Logger& logger, asio::ssl::context& tls, store::Store& store,
                           LoadedState loaded)
    : executor_{std::move(executor)},
      config_{config},
      logger_{logger},
      tls_{tls},
      persistence_{store},
      limits_{make_control_limits(config)},
      state_{std::move(loaded.state)},
      accounts_{std::move(loaded.accounts)},
      bans_{std::move(loaded.bans)},
      sweep_timer_{executor_},
      plenary_timer_{executor_},
      password_checks_{executor_, workers_, kSuspectCheckCapacity},
      login_throttle_{config.autoban},
      mix_comment_timer_{executor_},
      routing_timer_{executor_} {
  // The store thread reports each commit; the count comes back to this thread, which releases
  // the frames that waited for it.
  store.set_finished_listener([executor = executor_, this](std::uint64_t finished) {
    asio::post(executor, [this, finished] { on_writes_finished(finished); });
  });
  if (loaded.fresh) persistence_.save_everything(state_, accounts_);
}

ControlPlane::~ControlPlane() { persistence_.store().set_finished_listener({}); }

void ControlPlane::on_writes_finished(std::uint64_t finished) {
  if (finished <= writes_finished_) return;
  writes_finished_ = finished;
  auto waiters = std::exchange(write_waiters_, {});
  for (const auto id : waiters) {
    if (Session* session = find_session(id)) session->wake_writer();
  }
}

tcp::endpoint ControlPlane::listen() {
  const auto port = static_cast<asio::ip::port_type>(config_.network.port);
  std::vector<tcp::endpoint> endpoints;
  if (config_.network.host.empty()) {
    endpoints.emplace_back(asio::ip::address_v6::any(), port);  // dual-stack when the OS allows
  } else {
    endpoints.emplace_back(asio::ip::make_address(config_.network.host), port);
  }
  for (auto& endpoint : endpoints) {
    auto acceptor = std::make_unique<tcp::acceptor>(executor_);
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (ec && endpoint.address().is_v6() && config_.network.host.empty()) {
      // No IPv6 on this machine: fall back to IPv4 only.
      endpoint = tcp::endpoint(asio::ip::address_v4::any(), port);
      acceptor->open(endpoint.protocol());
    } else if (ec) {
      throw boost::system::system_error(ec, "open listener");
    }
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    if (endpoint.address().is_v6()) acceptor->set_option(asio::ip::v6_only(false));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    acceptors_.push_back(std::move(acceptor));
  }
  return acceptors_.front()->local_endpoint();
}

void ControlPlane::start() {
  for (auto& acceptor : acceptors_) {
    asio::co_spawn(executor_, accept_loop(*acceptor), asio::detached);
  }
  asio::co_spawn(executor_, sweep_loop(), asio::detached);
}

void ControlPlane::stop() {
  stopping_ = true;
  boost::system::error_code ignored;
  for (auto& acceptor : acceptors_) acceptor->close(ignored);
  sweep_timer_.cancel();
  routing_timer_.cancel();
  mix_comment_timer_.cancel();
  plenary_timer_.cancel();
  // Copy: stop() unregisters each session from sessions_.
  auto sessions = sessions_;
  for (auto& [id, session] : sessions) session->stop("server shutting down");
}

awaitable<void> ControlPlane::accept_loop(tcp::acceptor& acceptor) {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_) co_return;
      // Out of file descriptors and the like: keep serving the sessions we have, log once per
      // interval, and let the pending connection wait instead of retrying at once (the
      // listener stays readable, so retrying at once spins).
      if (std::uint64_t held = 0; accept_log_.allow(Session::Clock::now(), held))
        logger_.warn("accept failed: {} ({} more since the last line); retrying every {} ms", ec.message(),
                     held, limits_.accept_backoff.count());
      co_await accept_backoff();
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    adopt(std::make_shared<TlsTransport>(TlsTransport::Stream(std::move(socket), tls_)));
  }
}

void ControlPlane::adopt(std::shared_ptr<SessionTransport> transport) {
  if (stopping_) {
    transport->close("server shutting down");
    return;
  }
  evict_oldest_unauthenticated();
  const std::uint32_t id = state_.users().allocate_session();
  auto session = std::make_shared<Session>(*this, std::move(transport), id);
  sessions_.emplace(id, session);
  if (login_throttle_.banned(session->remote_address, Session::Clock::now())) {
    // Autobanned: closed before the TLS handshake costs anything, logged once per interval.
    ++drops_[static_cast<std::size_t>(DropCause::Banned)];
    if (std::uint64_t held = 0; autoban_log_.allow(Session::Clock::now(), held))
      logger_.info("session {}: closed: autobanned address ({} more since the last line)", id, held);
    session->stop("autobanned");
    return;
  }
  logger_.debug("session {}: connection from {}", id, logger_.address(session->remote_address));
  session->start();
}

awaitable<void> ControlPlane::accept_backoff() {
  asio::steady_timer timer{executor_};
  timer.expires_after(limits_.accept_backoff);
  co_await timer.async_wait(use_tuple);
}

void ControlPlane::evict_oldest_unauthenticated() {
  // Every session that is not a user is before login (or closing): scan only when that many
  // could reach the cap, so accepting stays O(1) in the common case.
  if (sessions_.size() < state_.users().size() + limits_.max_unauthenticated) return;
  std::size_t unauthenticated = 0;
  Session* oldest = nullptr;
  for (auto& [id, session] : sessions_) {
    if (session->authenticated() || session->phase() == SessionPhase::Closing) continue;
    ++unauthenticated;
    if (!oldest || session->connected_at() < oldest->connected_at()) oldest = session.get();
  }
  if (unauthenticated < limits_.max_unauthenticated || !oldest) return;
  ++drops_[static_cast<std::size_t>(DropCause::UnauthenticatedEvicted)];
  if (std::uint64_t held = 0; eviction_log_.allow(Session::Clock::now(), held))
    logger_.info("session {}: closed: {} ({} more since the last line)", oldest->id(),
                 to_string(DropCause::UnauthenticatedEvicted), held);
  oldest->stop(to_string(DropCause::UnauthenticatedEvicted));
}

bool ControlPlane::on_unauthenticated_memory(Session& session, std::size_t before_all, std::size_t now_all) {
  // The first 64 KiB of each connection are free (bounded by max_unauthenticated): a login's
  // few small frames never compete with connections that announced large ones.
  constexpr std::size_t kFree = 64 * 1024;
  const std::size_t before = before_all > kFree ? before_all - kFree : 0;
  const std::size_t now = now_all > kFree ? now_all - kFree : 0;
  unauthenticated_bytes_ = unauthenticated_bytes_ - before + now;
  if (now <= before || unauthenticated_bytes_ <= limits_.unauthenticated_memory) return true;
  count_drop(session, DropCause::UnauthenticatedMemory,
             fmt::format("{} bytes held before login, {} in all", now, unauthenticated_bytes_));
  return false;
}

awaitable<void> ControlPlane::sweep_loop() {
  while (!stopping_) {
    sweep_timer_.expires_after(limits_.sweep_interval);
    auto [ec] = co_await sweep_timer_.async_wait(use_tuple);
    if (ec || stopping_) co_return;
    sweep();
    announce_mix_speakers();
  }
}

void ControlPlane::sweep() {
  const auto now = Session::Clock::now();
  std::vector<std::pair<std::shared_ptr<Session>, DropCause>> expired;
  for (auto& [id, session] : sessions_) {
    switch (session->phase()) {
      case SessionPhase::TlsHandshake:
        if (now - session->connected_at() > limits_.tls_handshake_timeout)
          expired.emplace_back(session, DropCause::HandshakeTimeout);
        break;
      case SessionPhase::Connected:
      case SessionPhase::Verifying:
        if (now - session->connected_at() > limits_.login_timeout)
          expired.emplace_back(session, DropCause::LoginTimeout);
        break;
      case SessionPhase::Authenticated:
        if (now - session->last_activity() > limits_.idle_timeout)
          expired.emplace_back(session, DropCause::IdleTimeout);
        break;
      case SessionPhase::Closing: break;
    }
  }
  for (auto& [session, cause] : expired) count_drop(*session, cause, {});
  login_throttle_.prune(now);
  // Counters for operators and tests (the snapshot count proves that a flood of denied or
  // repeated messages does not rebuild the routing).
  logger_.debug("control: stats: sessions {} users {} snapshots_published {} ignored_messages {}",
                sessions_.size(), state_.users().size(), snapshots_published_,
                drops(DropCause::UnknownMessageType) + drops(DropCause::UndecodableMessage));
}

void ControlPlane::on_tls_established(Session& session) {
  // A browser (ALPN chose HTTP, tls_context.hpp): the web server serves it, and a WebSocket it
  // upgrades comes back through adopt(), where the ban check below applies to it.
  if (session.transport().wants_http()) {
    if (web_handler_) {
      web_handler_(session.hand_over("http: handed to the web server"));
    } else {
      session.stop("http without a web server");
    }
    return;
  }
  if (is_banned(session)) {
    count_drop(session, DropCause::Banned, {});
    return;
  }
  send_server_version(*this, session);
}

void ControlPlane::on_frame(Session& session, std::uint16_t type, protocol::ByteView payload) {
  auto message = protocol::decode_control_message(type, payload);
  if (!message) {
    // Murmur drops a message it cannot parse (a proto2 message missing a required field, as
    // real clients send ACL for the root without channel_id) or does not know, and keeps the
    // session (MUMBLE_PROTOCOL.md §1.2).
    const bool unknown = message.error() == protocol::make_error_code(protocol::ControlError::UnknownType);
    ignore_message(session, unknown ? DropCause::UnknownMessageType : DropCause::UndecodableMessage, type);
    return;
  }
  if (type < messages_received_.size()) ++messages_received_[type];
  dispatch(*this, session, std::move(*message));
  flush_routing();
}

void ControlPlane::on_login_failure(Session& session, const std::string& account) {
  ++login_failures_;
  if (!login_throttle_.on_failure(session.remote_address, account, Session::Clock::now())) return;
  logger_.info("session {}: autoban: {} failed logins from {} within {} s; refused for {} s", session.id(),
               config_.autoban.attempts, logger_.address(session.remote_address),
               config_.autoban.timeframe.count(), config_.autoban.ban_time.count());
  // Logins still pending from there would be refused anyway: close them, and their queued
  // password checks are skipped.
  std::vector<std::shared_ptr<Session>> pending;
  for (auto& [id, other] : sessions_) {
    if (other.get() != &session && !other->authenticated() && other->remote_address == session.remote_address)
      pending.push_back(other);
  }
  for (auto& other : pending) count_drop(*other, DropCause::Banned, "autoban");
}

void ControlPlane::on_protocol_violation(Session& session, DropCause cause, std::string_view detail) {
  count_drop(session, cause, detail);
}

void ControlPlane::ignore_message(Session& session, DropCause cause, std::uint16_t type) {
  ++drops_[static_cast<std::size_t>(cause)];
  if (session.first_ignored(static_cast<std::size_t>(cause)))
    logger_.info("session {}: ignored: {} (type {}; later ones are counted only)", session.id(),
                 to_string(cause), type);
}

void ControlPlane::count_drop(Session& session, DropCause cause, std::string_view detail) {
  ++drops_[static_cast<std::size_t>(cause)];
  // One line per cause and session; the cause, never the content.
  if (detail.empty()) {
    logger_.info("session {}: closed: {}", session.id(), to_string(cause));
  } else {
    logger_.info("session {}: closed: {} ({})", session.id(), to_string(cause), detail);
  }
  session.stop(to_string(cause));
}

void ControlPlane::on_session_closed(Session& session, SessionPhase was, std::string_view reason) {
  const std::uint32_t id = session.id();
  if (was == SessionPhase::Authenticated) remove_user(session, Removal{});
  logger_.debug("session {}: closed ({})", id, reason);
  state_.users().release_session(id);
  // Keep the Session alive until its coroutines have unwound: erase on the next turn.
  asio::post(executor_, [this, id] { sessions_.erase(id); });
}

Session* ControlPlane::find_session(std::uint32_t id) noexcept {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void ControlPlane::send_to(std::uint32_t session, protocol::Bytes frame) {
  if (Session* target = find_session(session); target && target->authenticated())
    target->deliver(std::move(frame));
}

void ControlPlane::broadcast(const protocol::Bytes& frame, const std::function<bool(const Session&)>& filter) {
  for (auto& [id, session] : sessions_) {
    if (!session->authenticated()) continue;
    if (filter && !filter(*session)) continue;
    session->deliver(frame);
  }
}

}  // namespace plenum::server::control
