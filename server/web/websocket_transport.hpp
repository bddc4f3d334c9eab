// WebSocketTransport: a Session's Mumble frames carried in binary WebSocket messages over TLS,
// for the browser client. The frame stream is the same bytes a Mumble client sends over TLS
// (u16 type, u32 length, payload); a message may carry any part of it, as websockify-based
// clients (mumble-web) send it. We write each batch of whole frames as one message. Owned by
// its Session, and by itself while its close handshake runs; ControlPlane executor only.
#pragma once

#include "server/control/session_transport.hpp"
#include "server/control/tls_transport.hpp"

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <memory>

namespace plenum::server::web {

class WebSocketTransport final : public control::SessionTransport,
                                 public std::enable_shared_from_this<WebSocketTransport> {
 public:
  using Stream = boost::beast::websocket::stream<control::TlsTransport::Stream>;

  // `ws`: accepted (the upgrade is done); `max_message`: the largest message read.
  WebSocketTransport(Stream ws, std::string remote_address, std::uint64_t max_message);

  boost::asio::any_io_executor executor() override { return ws_.get_executor(); }
  boost::asio::awaitable<boost::system::error_code> handshake() override;
  boost::asio::awaitable<IoResult> read_some(boost::asio::mutable_buffer buffer) override;
  boost::asio::awaitable<IoResult> write(std::span<const boost::asio::const_buffer> frames) override;
  // Sends a close frame with `reason` (the page shows why: "banned", "server shutting down")
  // unless a write is in flight, then drops the TCP connection.
  void close(std::string_view reason) override;
  SSL* tls() noexcept override { return ws_.next_layer().native_handle(); }
  std::string remote_address() override { return remote_address_; }

 private:
  void drop() noexcept;

  Stream ws_;
  std::string remote_address_;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace plenum::server::web
