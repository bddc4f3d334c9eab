// Server: builds the planes from a ServerConfig, wires them and owns their lifetimes.
// Construction does all fallible startup work (database, certificate, listeners) and throws;
// run() then serves until stop() or SIGINT/SIGTERM; SIGHUP re-reads the config (reload()).
#pragma once

#include "server/config/load_config.hpp"
#include "server/config/reload_plan.hpp"
#include "server/config/server_config.hpp"
#include "server/log/logger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace plenum::server {

namespace store { class Store; }
namespace control { class ControlPlane; }
namespace voice { class VoicePlane; }
namespace web { class WebServer; }
namespace audio { class AudioPlane; }
namespace metrics {
class MetricsBoard;
class MetricsEndpoint;
}  // namespace metrics
class EngineWiring;

class Server {
 public:
  // `superuser_password`: when set, stored (hashed) for SuperUser before serving. `source`:
  // what SIGHUP reads again (the --config file and the flags over it).
  Server(config::ServerConfig config, const std::optional<std::string>& superuser_password,
         config::ConfigSource source = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The address clients connect to (TCP and UDP share the port).
  boost::asio::ip::tcp::endpoint endpoint() const noexcept { return endpoint_; }
  void run();
  // Thread-safe.
  void stop();

 private:
  void await_shutdown_signal();
  void await_reload_signal();
  // Control-plane thread: re-reads `source_`, applies what can change at run time, logs what
  // changed; a config that does not load changes nothing and is logged in one line.
  void reload();
  void apply(const config::ReloadPlan& plan);
  // metrics_address set: the board, every plane's counter sink, the endpoint and the control
  // plane's publishing timer (control thread).
  void start_metrics(std::size_t voice_threads);
  void publish_control_metrics();

  config::ServerConfig config_;  // as started; the running copy is the control plane's
  config::ConfigSource source_;
  log::Logger logger_;
  boost::asio::io_context control_io_{1};
  // Before every plane: the store, voice and engine threads publish into it until they end.
  // Null when metrics_address is empty.
  std::unique_ptr<metrics::MetricsBoard> metrics_board_;
  std::unique_ptr<store::Store> store_;
  boost::asio::ssl::context tls_;
  std::unique_ptr<control::ControlPlane> control_;
  // The browser client; null when `web = false`. Uses control_, so it goes before it.
  std::unique_ptr<web::WebServer> web_;
  // Declared after control_: destroyed first, since its thread calls into the control plane.
  std::unique_ptr<voice::VoicePlane> voice_;
  // Declared after voice_: destroyed first, since its thread reads the voice plane's rings and
  // posts to both planes.
  std::unique_ptr<EngineWiring> engine_ports_;
  std::unique_ptr<audio::AudioPlane> engine_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set reload_signals_;  // SIGHUP
  boost::asio::ip::tcp::endpoint endpoint_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_;  // reads metrics_board_ while it serves
  boost::asio::steady_timer metrics_timer_;            // control thread: publish_control_metrics
};

}  // namespace plenum::server
