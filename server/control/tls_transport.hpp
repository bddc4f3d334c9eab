// TlsTransport: a Session's frames over TLS on TCP, as every Mumble client speaks them. Owned by
// its Session; used only on the ControlPlane's executor.
#pragma once

#include "server/control/session_transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace plenum::server::control {

class TlsTransport final : public SessionTransport {
 public:
  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  explicit TlsTransport(Stream stream) : stream_{std::move(stream)} {}

  boost::asio::any_io_executor executor() override { return stream_.get_executor(); }
  boost::asio::awaitable<boost::system::error_code> handshake() override;
  boost::asio::awaitable<IoResult> read_some(boost::asio::mutable_buffer buffer) override;
  boost::asio::awaitable<IoResult> write(std::span<const boost::asio::const_buffer> frames) override;
  void close(std::string_view reason) override;
  SSL* tls() noexcept override { return stream_.native_handle(); }
  std::string remote_address() override;
  bool wants_http() const noexcept override;

  // For the web server, once wants_http() said this is a browser.
  Stream& stream() noexcept { return stream_; }

 private:
  Stream stream_;
};

}  // namespace plenum::server::control
