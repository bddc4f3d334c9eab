#include "server/control/tls_transport.hpp"

#include "server/control/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace plenum::server::control {

namespace asio = boost::asio;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

awaitable<boost::system::error_code> TlsTransport::handshake() {
  auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
  co_return ec;
}

awaitable<SessionTransport::IoResult> TlsTransport::read_some(asio::mutable_buffer buffer) {
  co_return co_await stream_.async_read_some(buffer, use_tuple);
}

awaitable<SessionTransport::IoResult> TlsTransport::write(std::span<const asio::const_buffer> frames) {
  co_return co_await asio::async_write(stream_, frames, use_tuple);
}

void TlsTransport::close(std::string_view /*reason*/) {
  boost::system::error_code ignored;
  stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.lowest_layer().close(ignored);
}

std::string TlsTransport::remote_address() {
  boost::system::error_code ec;
  const auto endpoint = stream_.lowest_layer().remote_endpoint(ec);
  return ec ? std::string{} : endpoint.address().to_string();
}

bool TlsTransport::wants_http() const noexcept {
  return negotiated_http(const_cast<Stream&>(stream_).native_handle());
}

}  // namespace plenum::server::control
