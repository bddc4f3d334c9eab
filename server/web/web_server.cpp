#include "server/web/web_server.hpp"

#include "server/config/origin_list.hpp"
#include "server/control/control_plane.hpp"
#include "server/web/origin_policy.hpp"
#include "server/web/static_files.hpp"
#include "server/web/websocket_transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace plenum::server::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

using Request = http::request<http::empty_body>;

// Beast's string_view is Boost's; our pure helpers take the standard one.
std::string_view std_view(beast::string_view text) { return {text.data(), text.size()}; }
beast::string_view beast_view(std::string_view text) { return {text.data(), text.size()}; }
using Response = http::response<http::string_body>;

void set_common_headers(Response& response) {
  response.set(http::field::server, "plenum");
  response.set("Content-Security-Policy", beast_view(kContentSecurityPolicy));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  response.set("Permissions-Policy", "microphone=(self), camera=()");
  response.set(http::field::cache_control, "no-cache");
}

Response error_response(const Request& request, http::status status, std::string_view text) {
  Response response{status, request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string{text};
  response.prepare_payload();
  return response;
}

Response file_response(const Request& request) {
  if (request.method() != http::verb::get) {
    auto response = error_response(request, http::status::method_not_allowed, "GET only\n");
    response.set(http::field::allow, "GET");
    return response;
  }
  const EmbeddedFile* file = find_file(std_view(request.target()));
  if (!file) return error_response(request, http::status::not_found, "not found\n");
  Response response{http::status::ok, request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, beast_view(content_type(file->path)));
  response.body() = std::string{file->bytes};
  response.prepare_payload();
  response.keep_alive(request.keep_alive());
  return response;
}

std::string_view path_of(beast::string_view target) {
  const std::string_view text = std_view(target);
  return text.substr(0, text.find('?'));
}

}  // namespace

WebServer::WebServer(control::ControlPlane& plane, const config::WebConfig& config, log::Logger& logger)
    : plane_{plane},
      logger_{logger},
      origins_{config::parse_origin_list(config.origins).value_or(std::vector<std::string>{})} {}

void WebServer::serve(std::shared_ptr<control::SessionTransport> transport) {
  auto tls = std::static_pointer_cast<control::TlsTransport>(std::move(transport));
  if (stopping_ || connections_.size() >= kMaxHttpConnections) {
    tls->close("too many web connections");
    return;
  }
  connections_.insert(tls);
  auto executor = tls->executor();  // before the move: argument order is unspecified
  asio::co_spawn(executor, run(std::move(tls)), asio::detached);
}

// GCC 12 reports a mismatched operator delete for this coroutine's frame, which Asio allocates
// and frees with its own pair (a known false positive of -Wmismatched-new-delete on coroutines).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
awaitable<void> WebServer::run(std::shared_ptr<control::TlsTransport> tls) {
  auto& stream = tls->stream();
  // Closes the socket when a request does not arrive in time (re-armed per request).
  asio::steady_timer watchdog{stream.get_executor()};
  try {
    beast::flat_buffer buffer;
    for (;;) {
      watchdog.expires_after(kHttpRequestTimeout);
      watchdog.async_wait([tls](const boost::system::error_code& ec) {
        if (!ec) tls->close("http request timeout");
      });
      http::request_parser<http::empty_body> parser;
      parser.header_limit(8 * 1024);
      auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (read_error) break;
      Request request = parser.release();
      ++requests_;
      if (websocket::is_upgrade(request)) {
        watchdog.cancel();
        if (path_of(request.target()) != "/ws") {
          auto response = error_response(request, http::status::not_found, "the WebSocket is at /ws\n");
          co_await http::async_write(stream, response, use_tuple);
          break;
        }
        if (!origin_allowed(std_view(request[http::field::origin]), std_view(request[http::field::host]),
                            origins_)) {
          logger_.info("web: WebSocket refused: origin not allowed");
          auto response = error_response(request, http::status::forbidden, "origin not allowed\n");
          co_await http::async_write(stream, response, use_tuple);
          break;
        }
        const std::string remote = tls->remote_address();
        WebSocketTransport::Stream ws{std::move(stream)};
        ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
          response.set(http::field::server, "plenum");
        }));
        auto [accept_error] = co_await ws.async_accept(request, use_tuple);
        if (accept_error) break;
        plane_.adopt(std::make_shared<WebSocketTransport>(std::move(ws), remote,
                                                          plane_.limits().max_frame_payload + 6U));
        break;
      }
      Response response = file_response(request);
      const bool keep_alive = response.keep_alive();
      auto [write_error, written] = co_await http::async_write(stream, response, use_tuple);
      if (write_error || !keep_alive) break;
    }
  } catch (const std::exception& e) {
    logger_.warn("web: connection closed after internal error: {}", e.what());
  }
  watchdog.cancel();
  tls->close("");
  connections_.erase(tls);
}
#pragma GCC diagnostic pop

void WebServer::stop() {
  stopping_ = true;
  for (const auto& tls : connections_) tls->close("server shutting down");
}

}  // namespace plenum::server::web
