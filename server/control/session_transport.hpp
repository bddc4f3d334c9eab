// SessionTransport: the byte stream a Session reads Mumble frames from and writes them to. The
// seam between Session and what carries it: a TLS stream (TlsTransport, Mumble clients) or a
// WebSocket over TLS (web::WebSocketTransport, the browser client). Owned by its Session (and,
// while a close is under way, by itself); used only on the ControlPlane's executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

namespace plenum::server::control {

class SessionTransport {
 public:
  using IoResult = std::tuple<boost::system::error_code, std::size_t>;

  virtual ~SessionTransport() = default;

  virtual boost::asio::any_io_executor executor() = 0;
  // Completes the transport's own handshake; one that arrives ready returns success at once.
  virtual boost::asio::awaitable<boost::system::error_code> handshake() = 0;
  // Some bytes of the frame stream (frames may be split or joined anyhow).
  virtual boost::asio::awaitable<IoResult> read_some(boost::asio::mutable_buffer buffer) = 0;
  // Whole frames, in order; at most one write is in flight.
  virtual boost::asio::awaitable<IoResult> write(std::span<const boost::asio::const_buffer> frames) = 0;
  // Ends the connection (idempotent). `reason` reaches a peer that can show it (WebSocket).
  virtual void close(std::string_view reason) = 0;

  // The TLS connection underneath, for the peer certificate; null when there is none.
  virtual SSL* tls() noexcept = 0;
  // The peer's IP address as text, "" when unknown.
  virtual std::string remote_address() = 0;
  // True when the TLS handshake chose HTTP by ALPN: a browser, not a Mumble client
  // (tls_context.hpp says why the port is shared).
  virtual bool wants_http() const noexcept { return false; }
};

}  // namespace plenum::server::control
