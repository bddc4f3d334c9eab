#include "server/web/websocket_transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace plenum::server::web {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

WebSocketTransport::WebSocketTransport(Stream ws, std::string remote_address, std::uint64_t max_message)
    : ws_{std::move(ws)}, remote_address_{std::move(remote_address)} {
  ws_.binary(true);
  ws_.read_message_max(max_message);
  // Idle sessions are the control plane's business (its sweep); Beast only bounds the close
  // handshake, so a peer that never answers our close frame cannot hold the socket.
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(5);
  timeout.idle_timeout = websocket::stream_base::none();
  timeout.keep_alive_pings = false;
  ws_.set_option(timeout);
}

awaitable<boost::system::error_code> WebSocketTransport::handshake() {
  // The TLS handshake and the HTTP upgrade happened before the Session existed.
  co_return boost::system::error_code{};
}

awaitable<control::SessionTransport::IoResult> WebSocketTransport::read_some(asio::mutable_buffer buffer) {
  co_return co_await ws_.async_read_some(buffer, use_tuple);
}

awaitable<control::SessionTransport::IoResult> WebSocketTransport::write(
    std::span<const asio::const_buffer> frames) {
  writing_ = true;
  auto result = co_await ws_.async_write(frames, use_tuple);
  writing_ = false;
  if (closed_) drop();
  co_return result;
}

void WebSocketTransport::close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  // Beast allows one write-like operation at a time, and a close frame is one.
  if (writing_ || !ws_.is_open()) {
    drop();
    return;
  }
  // A close reason is at most 123 bytes (RFC 6455 §5.5).
  websocket::close_reason why{websocket::close_code::normal};
  why.reason.assign(reason.data(), std::min<std::size_t>(reason.size(), why.reason.max_size()));
  ws_.async_close(why, [self = shared_from_this()](const boost::system::error_code&) { self->drop(); });
}

void WebSocketTransport::drop() noexcept {
  boost::system::error_code ignored;
  auto& socket = ws_.next_layer().next_layer();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace plenum::server::web
