#include "server/control/session.hpp"

#include "protocol/tls_identity.hpp"
#include "server/control/control_plane.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <utility>

namespace plenum::server::control {

namespace asio = boost::asio;
using asio::awaitable;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string_view to_string(SessionPhase phase) noexcept {
  switch (phase) {
    case SessionPhase::TlsHandshake: return "tls-handshake";
    case SessionPhase::Connected: return "connected";
    case SessionPhase::Verifying: return "verifying";
    case SessionPhase::Authenticated: return "authenticated";
    case SessionPhase::Closing: return "closing";
  }
  return "?";
}

Session::Session(ControlPlane& plane, std::shared_ptr<SessionTransport> transport, std::uint32_t id)
    : plane_{plane},
      transport_{std::move(transport)},
      id_{id},
      reader_{plane.limits().max_frame_payload},
      write_wakeup_{transport_->executor()},
      connected_at_{Clock::now()},
      last_activity_{connected_at_},
      message_bucket_{plane.config().limits.message_limit, plane.config().limits.message_burst, connected_at_},
      plugin_bucket_{4, 15, connected_at_} {
  write_wakeup_.expires_at(Clock::time_point::max());
  remote_address = transport_->remote_address();
}

void Session::start() {
  asio::co_spawn(transport_->executor(),
                 [self = shared_from_this()]() -> awaitable<void> { co_await self->run(); },
                 asio::detached);
}

awaitable<void> Session::run() {
  // The session's root: nothing thrown below may escape and take the server down.
  try {
    // The handshake deadline is enforced by the plane's sweep (ControlPlane::sweep), which
    // calls stop() and so closes the socket under this operation.
    const auto ec = co_await transport_->handshake();
    if (stopped_) co_return;  // the sweep's timeout or a shutdown closed it, and said why
    if (ec) {
      plane_.on_protocol_violation(*this, DropCause::TlsHandshake, ec.message());
      co_return;
    }
    on_tls_established();
    if (stopped_) co_return;  // banned, or handed over to the web server
    co_await (read_loop() || write_loop());
  } catch (const std::exception& e) {
    plane_.logger().warn("session {}: closed after internal error: {}", id_, e.what());
  }
  stop("connection closed");
}

void Session::on_tls_established() {
  phase_ = SessionPhase::Connected;
  last_activity_ = Clock::now();
  SSL* tls = transport_->tls();
  if (X509* peer = tls ? SSL_get1_peer_certificate(tls) : nullptr) {
    cert_hash = protocol::certificate_sha1_hex(*peer);
    unsigned char* der = nullptr;
    const int length = i2d_X509(peer, &der);
    if (length > 0) peer_certificate_der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    // Mumble calls a certificate "strong" when it verifies against a CA; we accept
    // self-signed ones, which Mumble counts as not strong.
    strong_certificate = SSL_get_verify_result(tls) == X509_V_OK;
    X509_free(peer);
  }
  plane_.on_tls_established(*this);
}

awaitable<void> Session::read_loop() {
  while (!stopped_) {
    auto buffer = reader_.prepare(16 * 1024);
    auto [ec, n] = co_await transport_->read_some(asio::buffer(buffer.data(), buffer.size()));
    if (ec) co_return;
    reader_.commit(n);
    if (!account_memory()) co_return;
    while (!stopped_) {
      auto frame = reader_.next();
      if (!frame) {
        plane_.on_protocol_violation(*this, DropCause::OversizeFrame, frame.error().message());
        co_return;
      }
      if (!*frame) break;
      if (finishing_) continue;
      last_activity_ = Clock::now();
      ++tcp_packets;
      plane_.on_frame(*this, (*frame)->type, (*frame)->payload);
    }
    if (!account_memory()) co_return;
  }
}

bool Session::account_memory() {
  const std::size_t held = stopped_ || authenticated() ? 0 : reader_.capacity();
  if (held == accounted_bytes_) return true;
  const std::size_t before = std::exchange(accounted_bytes_, held);
  return plane_.on_unauthenticated_memory(*this, before, held);
}

awaitable<void> Session::write_loop() {
  while (!stopped_) {
    if (write_queue_.empty()) {
      if (finishing_) {
        stop(finish_reason_);
        co_return;
      }
      co_await write_wakeup_.async_wait(use_tuple);
      continue;
    }
    // Gather what may go into one write (TLS records, or one WebSocket message): up to the first
    // frame still waiting for the store.
    const std::uint64_t durable = plane_.writes_finished();
    std::size_t batch = 0;
    const std::size_t most = std::min<std::size_t>(write_queue_.size(), 64);
    while (batch < most && write_queue_[batch].barrier <= durable) ++batch;
    if (batch == 0) {
      plane_.wait_for_writes(*this);
      co_await write_wakeup_.async_wait(use_tuple);
      continue;
    }
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(batch);
    for (std::size_t i = 0; i < batch; ++i)
      buffers.emplace_back(write_queue_[i].bytes.data(), write_queue_[i].bytes.size());
    auto [ec, n] = co_await transport_->write(buffers);
    if (ec) co_return;
    queued_bytes_ -= n;
    write_queue_.erase(write_queue_.begin(), write_queue_.begin() + static_cast<std::ptrdiff_t>(batch));
  }
}

void Session::deliver(protocol::Bytes frame) {
  if (stopped_) return;
  queued_bytes_ += frame.size();
  write_queue_.push_back(QueuedFrame{std::move(frame), plane_.write_barrier()});
  // A client that stops reading must not make the server buffer without bound.
  if (queued_bytes_ > plane_.limits().max_queued_bytes) {
    plane_.on_protocol_violation(*this, DropCause::SendQueueOverflow, "client not reading");
    return;
  }
  write_wakeup_.cancel_one();
}

void Session::finish(std::string reason) {
  if (stopped_ || finishing_) return;
  finishing_ = true;
  finish_reason_ = std::move(reason);
  write_wakeup_.cancel_one();
}

std::shared_ptr<SessionTransport> Session::hand_over(std::string_view reason) {
  auto transport = std::move(transport_);
  stop(reason);
  return transport;
}

void Session::stop(std::string_view reason) {
  if (stopped_) return;
  stopped_ = true;
  account_memory();  // gives back what it held before login
  const SessionPhase was = phase_;
  phase_ = SessionPhase::Closing;
  if (transport_) transport_->close(reason);
  write_wakeup_.cancel();
  plane_.on_session_closed(*this, was, reason);
}

bool Session::allow_rate_limited() {
  if (message_bucket_.try_consume(Clock::now())) return true;
  plane_.on_rate_limited();
  return false;
}

}  // namespace plenum::server::control
