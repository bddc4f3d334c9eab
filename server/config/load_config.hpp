// load_config: builds the ServerConfig once at startup from layers applied in order: defaults,
// an ini file (or the embedded plenum.ini), command-line flags, then validation. Every failure
// is a ConfigError with a one-line message naming the key and the value.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "server/config/config_error.hpp"
#include "server/config/server_config.hpp"

namespace plenum::server::config {

// What plenum-server's command line asks for (DESIGN.md §6).
struct Startup {
  ServerConfig config;
  std::optional<std::string> superuser_password;  // --set-superuser-password
  bool help = false;  // --help: print help_text() and exit 0; `config` is then the defaults
};

// plenum-server [--config FILE] [--port N] [--host ADDR] [--data-dir DIR]
//               [--set-superuser-password PW] [--log-level debug|info|warn|error] [--help]
Startup load_config(int argc, const char* const argv[]);
std::string help_text();

// The default ini compiled into the binary (config/plenum.ini, generated at build time).
std::string_view embedded_default_ini();

// Layers, for load_config and tests. `origin` names the source in messages (a file path).
void apply_ini(ServerConfig& config, std::istream& in, std::string_view origin);
void apply_ini_text(ServerConfig& config, std::string_view text, std::string_view origin);
void apply_ini_file(ServerConfig& config, const std::filesystem::path& file);
void set_value(ServerConfig& config, std::string_view key, std::string_view value,
               std::string_view origin);
// Every key's range and shape, then rules that span keys.
void validate(const ServerConfig& config);

// Defaults, then `text`, then validation: what an ini alone yields.
ServerConfig parse_ini_text(std::string_view text, std::string_view origin);
// The config as an ini that parse_ini_text reads back to an equal config.
std::string format_ini(const ServerConfig& config);

}  // namespace plenum::server::config
