// What a SIGHUP reload does with a freshly read config: which keys changed, which of them the
// running server applies at once and which wait for a restart, and the config it then runs
// with. Pure functions over two ServerConfigs; the caller (Server) reads the file and posts the
// result to the planes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/config/server_config.hpp"

namespace plenum::server::config {

// True for keys whose new value a running server applies on reload (docs/operator-guide.md §3
// lists them in its "SIGHUP" column; a unit test keeps the two in step). The others are bound
// at startup: sockets, threads, files, the logger's privacy switches, the root channel's name.
bool reloadable(std::string_view key) noexcept;

struct ReloadPlan {
  ServerConfig next;                       // running, with every changed reloadable key taken over
  std::vector<std::string> applied;        // changed keys now in `next`, in config_keys() order
  std::vector<std::string> need_restart;   // changed keys whose running value stays
};

ReloadPlan plan_reload(const ServerConfig& running, const ServerConfig& reread);

}  // namespace plenum::server::config
