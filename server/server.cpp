#include "server/server.hpp"

#include "server/audio/audio_plane.hpp"
#include "server/config/reload_plan.hpp"
#include "server/engine_wiring.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/persistence.hpp"
#include "server/control/tls_context.hpp"
#include "server/store/database.hpp"
#include "server/store/password_hash.hpp"
#include "server/store/store.hpp"
#include "server/control/server_identity.hpp"
#include "server/metrics/metrics_board.hpp"
#include "server/metrics/metrics_endpoint.hpp"
#include "server/voice/voice_plane.hpp"
#include "server/web/web_address.hpp"
#include "server/web/web_server.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <csignal>
#include <thread>

namespace plenum::server {

namespace asio = boost::asio;

namespace {

// Descriptors the server holds besides one per connection: voice sockets, the database and its
// WAL, the listeners, eventfds and epoll, signals, the worker pool.
constexpr rlim_t kReservedDescriptors = 64;

// Each connection is a file descriptor; the default soft limit (1024) would cap a plenary
// server below its `users` setting (1000 by default). Raise the soft limit to the hard one and
// say so when even that leaves no room for `users` connections plus the server's own files.
void raise_file_limit(std::uint32_t users, log::Logger& logger) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) logger.warn("could not raise the open-file limit");
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t needed = rlim_t{users} + kReservedDescriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    logger.warn("open-file limit {} is below users ({}) + {}: raise LimitNOFILE or ulimit -n",
                limit.rlim_cur, users, kReservedDescriptors);
  }
}

control::LoadedState open_state(const config::ServerConfig& config, store::Database& database,
                                const std::optional<std::string>& superuser_password, log::Logger& logger) {
  auto loaded = control::load_state(database.load(), config);
  if (superuser_password) {
    auto* superuser = loaded.accounts.find_mutable(state::kSuperUserId);
    superuser->password_hash = store::hash_password(*superuser_password);
    database.upsert_user(control::account_record(*superuser));
    logger.info("superuser password set");
  }
  return loaded;
}

voice::VoiceSettings voice_settings(const config::ServerConfig& config) {
  voice::VoiceSettings settings;
  settings.allow_ping = config.network.allow_ping;
  settings.query = {.replies_per_second = config.network.query_replies_per_second,
                    .per_source_per_second = config.network.query_per_source_per_second,
                    .per_source_burst = config.network.query_per_source_burst};
  settings.bandwidth_bps = config.voice.bandwidth_bps;
  settings.max_users = config.limits.users;
  settings.version = control::kServerProtocolVersion;
  settings.max_queue_delay = std::chrono::milliseconds{config.voice.max_queue_ms};
  return settings;
}

}  // namespace

Server::Server(config::ServerConfig config, const std::optional<std::string>& superuser_password,
               config::ConfigSource source)
    : config_{std::move(config)},
      source_{std::move(source)},
      logger_{config_.log_level, config_.privacy.log_ip, config_.privacy.log_names},
      tls_{control::make_server_tls_context(config_.tls_files(), config_.channels.root_name,
                                           config_.web.enabled)},
      signals_{control_io_, SIGINT, SIGTERM},
      reload_signals_{control_io_, SIGHUP},
      metrics_timer_{control_io_} {
  raise_file_limit(config_.limits.users, logger_);
  auto database = std::make_unique<store::Database>(config_.storage.database_path());
  auto loaded = open_state(config_, *database, superuser_password, logger_);
  store_ = std::make_unique<store::Store>(std::move(database), logger_);
  control_ = std::make_unique<control::ControlPlane>(control_io_.get_executor(), config_, logger_, tls_,
                                                     *store_, std::move(loaded));
  endpoint_ = control_->listen();
  const auto voice_threads =
      config::voice_threads_for(config_.voice.threads, std::thread::hardware_concurrency());
  voice_ = std::make_unique<voice::VoicePlane>(voice_settings(config_), logger_, control_->voice_link(),
                                               voice_threads);
  logger_.info("voice: {} thread{}", voice_threads, voice_threads == 1 ? "" : "s");
  // UDP on the TCP listener's address and port: the dual-stack wildcard, its IPv4 fallback, or
  // the configured host, exactly as the acceptor got it.
  voice_->bind(asio::ip::udp::endpoint(endpoint_.address(), endpoint_.port()));
  control_->attach_voice(*voice_);
  engine_ports_ = std::make_unique<EngineWiring>(*voice_, *control_);
  engine_ = std::make_unique<audio::AudioPlane>(logger_, *engine_ports_);
  control_->attach_engine(*engine_);
  if (!config_.metrics_address.empty()) start_metrics(voice_threads);
  if (config_.web.enabled) {
    web_ = std::make_unique<web::WebServer>(*control_, config_.web, logger_);
    control_->attach_web([web = web_.get()](auto transport) { web->serve(std::move(transport)); });
    logger_.info("web client at {}", web::web_address(config_.network.host, endpoint_.port()));
  }
  engine_->start();
  voice_->start();
  control_->start();
  await_shutdown_signal();
  await_reload_signal();
}

void Server::start_metrics(std::size_t voice_threads) {
  metrics_board_ = std::make_unique<metrics::MetricsBoard>(voice_threads);
  auto& board = *metrics_board_;
  store_->set_counters_listener([&board](const store::StoreCounters& c) { board.publish_store(c); });
  voice_->set_counter_sink([&board](std::size_t shard, const voice::VoiceCounters& c) {
    board.publish_voice(shard, c);
  });
  engine_->set_counter_sink([&board](const audio::EngineCounters& c) { board.publish_engine(c); });
  metrics_ = std::make_unique<metrics::MetricsEndpoint>(config_.metrics_address, board);
  // The configured address is the operator's own, not a client's: it may be logged.
  const auto colon = config_.metrics_address.rfind(':');
  logger_.info("metrics: serving http://{}:{}/metrics", config_.metrics_address.substr(0, colon),
               metrics_->port());
  publish_control_metrics();
}

void Server::publish_control_metrics() {
  metrics_board_->publish_control(control_->metrics_reading());
  // As often as the voice shards and the engine publish theirs.
  metrics_timer_.expires_after(std::chrono::seconds{1});
  metrics_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) publish_control_metrics();
  });
}

void Server::await_shutdown_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    logger_.info("signal {}: shutting down", signal);
    boost::system::error_code ignored;
    reload_signals_.cancel(ignored);
    metrics_timer_.cancel();
    engine_->stop();
    voice_->stop();
    if (web_) web_->stop();
    control_->stop();
  });
}

void Server::await_reload_signal() {
  reload_signals_.async_wait([this](const boost::system::error_code& ec, int /*signal*/) {
    if (ec) return;
    reload();
    await_reload_signal();
  });
}

void Server::reload() {
  if (!source_.file) {
    logger_.warn("reload: started without --config, nothing to re-read");
    return;
  }
  config::ServerConfig reread;
  try {
    reread = config::read_config(source_);
  } catch (const config::ConfigError& e) {
    logger_.error("reload: refused, running config unchanged: {}", e.what());
    return;
  }
  try {
    apply(config::plan_reload(control_->config(), reread));
  } catch (const std::exception& e) {
    // apply_config changes nothing when it throws (control_plane_reload.cpp).
    logger_.error("reload: refused, running config unchanged: {}", e.what());
  }
}

void Server::apply(const config::ReloadPlan& plan) {
  if (!plan.need_restart.empty()) {
    logger_.warn("reload: changed but need a restart: {}", fmt::join(plan.need_restart, ", "));
  }
  if (plan.applied.empty()) {
    logger_.info("reload: no change to apply");
    return;
  }
  // The applied line is written at the more verbose of the old and the new level.
  const bool quieter = plan.next.log_level > control_->config().log_level;
  control_->apply_config(plan.next);
  voice_->update_settings(voice_settings(plan.next));
  if (!quieter) logger_.set_threshold(plan.next.log_level);
  logger_.info("reload: applied {}", fmt::join(plan.applied, ", "));
  if (quieter) logger_.set_threshold(plan.next.log_level);
}

Server::~Server() {
  // The engine thread goes first (it reads the voice plane and posts to both), then the voice
  // thread (it posts to the control plane), then the control plane (it posts writes), then the
  // store flushes and closes. The metrics endpoint stops serving before any of them.
  metrics_.reset();
  engine_.reset();
  engine_ports_.reset();
  voice_.reset();
  web_.reset();
  control_.reset();
  store_.reset();
}

void Server::run() {
  control_io_.run();
  logger_.info("stopped");
}

void Server::stop() {
  engine_->stop();
  voice_->stop();
  asio::post(control_io_, [this] {
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    reload_signals_.cancel(ignored);
    metrics_timer_.cancel();
    if (web_) web_->stop();
    control_->stop();
  });
}

}  // namespace plenum::server
