#include "server/config/reload_plan.hpp"

#include <algorithm>
#include <array>

#include "server/config/config_keys.hpp"

namespace plenum::server::config {

namespace {

// Bound at startup, so a reload leaves them: the listening sockets (host, port), the voice
// threads, the files (data_dir, database, sslCert, sslKey), the root channel that was created
// with its name, and the logger's privacy switches, which its lines on other threads read
// without a lock (turning them on at run time also deserves a restart's deliberateness), and the
// autoban rules, which the login throttle takes when the control plane starts; the metrics
// endpoint, whose listening socket is bound at startup like the others; and the web client's
// keys: `web` decides the TLS context's ALPN list and whether the web server exists, and the
// web server takes `web_origins` when it is made.
constexpr std::array<std::string_view, 16> kRestartKeys = {
    "host",     "port",    "voice_threads", "data_dir",        "database",
    "sslCert",  "sslKey",  "registerName",  "log_ip",          "log_names",
    "autobanAttempts", "autobanTimeframe", "autobanTime", "metrics_address",
    "web",      "web_origins"};

}  // namespace

bool reloadable(std::string_view key) noexcept {
  if (find_config_key(key) == nullptr) return false;
  return std::find(kRestartKeys.begin(), kRestartKeys.end(), key) == kRestartKeys.end();
}

ReloadPlan plan_reload(const ServerConfig& running, const ServerConfig& reread) {
  ReloadPlan plan{running, {}, {}};
  for (const ConfigKey& key : config_keys()) {
    const std::string value = key.format(reread);
    if (value == key.format(running)) continue;
    if (!reloadable(key.name)) {
      plan.need_restart.emplace_back(key.name);
      continue;
    }
    // format() and set() round-trip (config_keys.hpp), and `reread` passed validation.
    (void)key.set(plan.next, value);
    plan.applied.emplace_back(key.name);
  }
  return plan;
}

}  // namespace plenum::server::config
