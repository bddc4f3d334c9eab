// WebServer: serves the browser client on connections the ControlPlane hands over after a TLS
// handshake that chose HTTP by ALPN (control/tls_context.hpp): the embedded static files, and
// the WebSocket at /ws, which becomes a Session through ControlPlane::adopt(). Runs on the
// ControlPlane's executor; every member is touched only there.
#pragma once

#include "server/config/server_config.hpp"
#include "server/control/tls_transport.hpp"
#include "server/log/logger.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace plenum::server::control {
class ControlPlane;
}

namespace plenum::server::web {

class WebServer {
 public:
  WebServer(control::ControlPlane& plane, const config::WebConfig& config, log::Logger& logger);

  // Takes a browser's TLS connection (a TlsTransport whose wants_http() is true).
  void serve(std::shared_ptr<control::SessionTransport> transport);
  // Closes every HTTP connection (WebSockets already handed over are sessions: the control
  // plane stops them); later ones are closed as they come.
  void stop();

  std::uint64_t requests() const noexcept { return requests_; }
  std::size_t open_connections() const noexcept { return connections_.size(); }

 private:
  boost::asio::awaitable<void> run(std::shared_ptr<control::TlsTransport> tls);

  // Passed by argument.
  control::ControlPlane& plane_;
  log::Logger& logger_;
  // Allocated by this.
  std::vector<std::string> origins_;
  std::set<std::shared_ptr<control::TlsTransport>> connections_;
  std::uint64_t requests_ = 0;
  bool stopping_ = false;
};

// A browser has this long to send each request (and the next one on a kept-alive connection).
inline constexpr std::chrono::seconds kHttpRequestTimeout{15};
// HTTP connections served at once; more are closed at once (the page needs a handful).
inline constexpr std::size_t kMaxHttpConnections = 512;

}  // namespace plenum::server::web
