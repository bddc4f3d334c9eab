#include "client-cli/core/connection.hpp"

#include "client-cli/core/known_servers.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <stdexcept>

namespace plenum::client {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using asio::ip::tcp;
using asio::ip::udp;
using namespace std::chrono_literals;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;
// Mumble sends a TCP Ping every 5 s and gives up after 4 unanswered (MUMBLE_PROTOCOL.md §3.5).
constexpr auto kTcpPingInterval = 5s;
constexpr unsigned kMaxPingsInFlight = 4;
// How long we wait for the server's Version before announcing ours anyway (§3.2 says not to
// wait; servers send theirs first, so this only bounds a silent server).
constexpr auto kServerVersionWait = 1500ms;
constexpr auto kTick = 250ms;
constexpr auto kMaxBackoff = 30s;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code error;
  asio::ip::make_address(host, error);
  return !error;
}

std::string describe_read_error(const boost::system::error_code& error) {
  if (error == asio::error::eof || error == asio::ssl::error::stream_truncated ||
      error == asio::error::connection_reset) {
    return "connection closed by the server";
  }
  return fmt::format("connection lost: {}", error.message());
}

}  // namespace

Connection::Connection(asio::io_context& io, ConnectionConfig config, ConnectionListener& listener)
    : io_(io),
      config_(std::move(config)),
      listener_(listener),
      tls_context_(asio::ssl::context::tls_client),
      wake_writer_(io),
      tick_(io),
      backoff_(io),
      path_monitor_(config_.udp_enabled),
      epoch_(Clock::now()) {
  SSL_CTX_set_min_proto_version(tls_context_.native_handle(), TLS1_2_VERSION);
  // Mumble servers present self-signed certificates; we pin them (known_servers) instead of
  // verifying a chain.
  tls_context_.set_verify_mode(asio::ssl::verify_none);
  tls_context_.use_certificate_chain(asio::buffer(config_.identity.certificate_pem));
  tls_context_.use_private_key(asio::buffer(config_.identity.private_key_pem),
                               asio::ssl::context::pem);
}

Connection::~Connection() = default;

std::string Connection::server_name() const { return server_key(config_.host, config_.port); }

asio::awaitable<void> Connection::run() {
  auto backoff = 1s;
  for (;;) {
    const Disconnect why = co_await run_session();
    const bool was_joined = joined_;
    joined_ = false;
    const bool retry = config_.reconnect && !why.fatal && !stopping_;
    listener_.on_disconnected(why, retry);
    if (!retry) {
      co_return;
    }
    backoff = was_joined ? 1s : std::min<std::chrono::seconds>(backoff * 2, kMaxBackoff);
    backoff_.expires_after(backoff);
    co_await backoff_.async_wait(kAwait);
    if (stopping_) {
      co_return;
    }
  }
}

void Connection::stop() {
  stopping_ = true;
  backoff_.cancel();
  end_session({"stopped", true});
}

void Connection::reset_session_state() {
  tls_.reset();
  udp_.reset();
  frames_ = protocol::FrameReader();
  outbox_.clear();
  crypt_ = protocol::CryptStateOCB2();
  view_ = ServerView();
  path_monitor_ = VoicePathMonitor(config_.udp_enabled);
  const auto counters = stats_;
  stats_ = ConnectionStats();
  // Packet counters run over the whole process, as the headless stats report them.
  stats_.voice_sent_udp = counters.voice_sent_udp;
  stats_.voice_sent_tcp = counters.voice_sent_tcp;
  stats_.voice_received_udp = counters.voice_received_udp;
  stats_.voice_received_tcp = counters.voice_received_tcp;
  server_version_ = {};
  announced_version_ = {};
  format_ = protocol::UdpFormat::Legacy;
  max_bandwidth_ = 0;
  join_target_.reset();
  ended_.reset();
  session_start_ = Clock::now();
  tcp_pings_in_flight_ = 0;
  udp_probes_left_ = 0;
  next_udp_ping_ = Clock::time_point::max();
  hello_sent_ = synced_ = joined_ = false;
}

void Connection::end_session(Disconnect why) {
  if (ended_) {
    return;
  }
  ended_ = std::move(why);
  boost::system::error_code ignored;
  if (tls_) {
    tls_->lowest_layer().close(ignored);
  }
  if (udp_) {
    udp_->close(ignored);
  }
  wake_writer_.cancel();
  tick_.cancel();
}

asio::awaitable<Disconnect> Connection::run_session() {
  reset_session_state();
  if (stopping_) {
    co_return Disconnect{"stopped", true};
  }
  if (auto failure = co_await open_transport()) {
    end_session(*failure);
    co_return *failure;
  }
  co_await (read_loop() || write_loop() || timer_loop() || udp_loop());
  co_return ended_.value_or(Disconnect{"connection closed", false});
}

asio::awaitable<std::optional<Disconnect>> Connection::open_transport() {
  asio::steady_timer deadline(io_);
  deadline.expires_after(config_.connect_timeout);
  if (auto failure = co_await connect_tcp(deadline)) {
    co_return failure;
  }
  if (auto failure = co_await handshake_tls(deadline)) {
    co_return failure;
  }
  if (auto failure = check_certificate()) {
    co_return failure;
  }
  if (config_.udp_enabled) {
    udp_.emplace(io_);
    const udp::endpoint server_udp(peer_.address(), peer_.port());
    udp_->open(server_udp.protocol());
    udp_->connect(server_udp);
  }
  session_start_ = Clock::now();
  co_return std::nullopt;
}

asio::awaitable<std::optional<Disconnect>> Connection::connect_tcp(asio::steady_timer& deadline) {
  tcp::resolver resolver(io_);
  auto resolved = co_await (resolver.async_resolve(config_.host, std::to_string(config_.port),
                                                   kAwait) ||
                            deadline.async_wait(kAwait));
  if (resolved.index() == 1) {
    co_return Disconnect{fmt::format("cannot resolve {}: timed out", config_.host), false};
  }
  auto [resolve_error, endpoints] = std::get<0>(std::move(resolved));
  if (resolve_error) {
    co_return Disconnect{
        fmt::format("cannot resolve {}: {}", config_.host, resolve_error.message()), false};
  }
  tls_.emplace(io_, tls_context_);
  auto connected = co_await (asio::async_connect(tls_->lowest_layer(), endpoints, kAwait) ||
                             deadline.async_wait(kAwait));
  if (connected.index() == 1 || std::get<0>(std::get<0>(connected)) || stopping_) {
    const std::string reason = connected.index() == 1
                                   ? std::string("timed out")
                                   : std::get<0>(std::get<0>(connected)).message();
    co_return Disconnect{fmt::format("cannot connect to {}: {}", server_name(), reason), false};
  }
  peer_ = std::get<1>(std::get<0>(connected));
  tls_->lowest_layer().set_option(tcp::no_delay(true));
  co_return std::nullopt;
}

asio::awaitable<std::optional<Disconnect>> Connection::handshake_tls(asio::steady_timer& deadline) {
  if (!is_ip_literal(config_.host)) {
    SSL_set_tlsext_host_name(tls_->native_handle(), config_.host.c_str());
  }
  auto handshake = co_await (tls_->async_handshake(asio::ssl::stream_base::client, kAwait) ||
                             deadline.async_wait(kAwait));
  if (handshake.index() == 1 || std::get<0>(std::get<0>(handshake)) || stopping_) {
    const std::string reason = handshake.index() == 1
                                   ? std::string("timed out")
                                   : std::get<0>(std::get<0>(handshake)).message();
    co_return Disconnect{fmt::format("TLS handshake with {} failed: {}", server_name(), reason),
                         false};
  }
  co_return std::nullopt;
}

std::optional<Disconnect> Connection::check_certificate() {
  X509* peer_certificate = SSL_get1_peer_certificate(tls_->native_handle());
  if (peer_certificate == nullptr) {
    return Disconnect{fmt::format("{} presented no certificate", server_name()), true};
  }
  const protocol::X509Ptr owned(peer_certificate);
  KnownServers known(config_.known_servers_file);
  const TrustDecision trust = decide_trust(known, server_name(),
                                           protocol::public_key_sha1_hex(*owned),
                                           config_.trust_new_certificate);
  if (!trust.accept) {
    return Disconnect{trust.message, true};
  }
  if (!trust.message.empty()) {
    listener_.on_event(trust.message);
  }
  return std::nullopt;
}

asio::awaitable<void> Connection::read_loop() {
  for (;;) {
    const protocol::MutableByteView space = frames_.prepare(kReadChunk);
    auto [error, size] =
        co_await tls_->async_read_some(asio::buffer(space.data(), space.size()), kAwait);
    frames_.commit(error ? 0 : size);
    if (error) {
      end_session({describe_read_error(error), false});
      co_return;
    }
    for (;;) {
      auto next = frames_.next();
      if (!next) {
        end_session({"the server sent an oversized frame", false});
        co_return;
      }
      if (!*next) {
        break;
      }
      auto decoded = protocol::decode_control_message(**next);
      if (decoded) {
        on_control(std::move(*decoded));
      }
      if (ended_) {
        co_return;
      }
    }
  }
}

asio::awaitable<void> Connection::write_loop() {
  protocol::Bytes batch;
  while (!ended_) {
    if (outbox_.empty()) {
      wake_writer_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_writer_.async_wait(kAwait);
      continue;
    }
    batch.clear();
    for (const auto& frame : outbox_) {
      batch.insert(batch.end(), frame.begin(), frame.end());
    }
    outbox_.clear();
    auto [error, written] = co_await asio::async_write(*tls_, asio::buffer(batch), kAwait);
    if (error) {
      end_session({fmt::format("connection lost: {}", error.message()), false});
    }
  }
}

void Connection::queue_frame(protocol::Bytes frame) {
  if (ended_ || !tls_) {
    return;
  }
  outbox_.push_back(std::move(frame));
  wake_writer_.cancel();
}

asio::awaitable<void> Connection::timer_loop() {
  auto next_tcp_ping = Clock::now();
  while (!ended_) {
    tick_.expires_after(kTick);
    co_await tick_.async_wait(kAwait);
    if (ended_) {
      co_return;
    }
    const auto now = Clock::now();
    if (!hello_sent_ && now - session_start_ >= kServerVersionWait) {
      send_hello();
    }
    if (!joined_ && now - session_start_ >= config_.connect_timeout) {
      end_session({fmt::format("{} did not complete the login in time", server_name()), false});
      co_return;
    }
    if (hello_sent_ && now >= next_tcp_ping) {
      if (tcp_pings_in_flight_ >= kMaxPingsInFlight) {
        end_session({fmt::format("{} stopped answering pings", server_name()), false});
        co_return;
      }
      send_tcp_ping();
      next_tcp_ping = now + kTcpPingInterval;
    }
    if (now >= next_udp_ping_) {
      send_udp_ping();
    }
    stats_.path = path_monitor_.update(now);
  }
}

asio::awaitable<void> Connection::udp_loop() {
  if (!udp_) {
    // No UDP: wait, cancellable, until another loop ends the session.
    asio::steady_timer idle(io_, asio::steady_timer::time_point::max());
    co_await idle.async_wait(kAwait);
    co_return;
  }
  while (!ended_) {
    auto [error, size] = co_await udp_->async_receive(asio::buffer(udp_in_), kAwait);
    if (ended_ || error == asio::error::operation_aborted) {
      co_return;
    }
    if (!error) {
      on_udp_datagram(size);
    }
    // Other errors (ICMP port unreachable reported as ECONNREFUSED) just mean no UDP now.
  }
}

VoicePath Connection::path() {
  stats_.path = path_monitor_.update(Clock::now());
  return stats_.path;
}

}  // namespace plenum::client
