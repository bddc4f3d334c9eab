// load_config: builds the ServerConfig once at startup from layers applied in order: defaults,
// an ini file (or the embedded plenum.ini), command-line flags, then validation. Every failure
// is a ConfigError with a one-line message naming the key and the value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config/config_error.hpp"
#include "server/config/server_config.hpp"

namespace plenum::server::config {

// Where the config came from, so that a reload (SIGHUP) can read it again: the ini file and the
// flags that override its keys, which keep winning after a reload.
struct ConfigSource {
  std::optional<std::filesystem::path> file;  // --config; nullopt: the built-in plenum.ini
  std::vector<std::pair<std::string, std::string>> flags;  // (ini key, value) from the flags
};

// What plenum-server's command line asks for (DESIGN.md §6).
struct Startup {
  ServerConfig config;
  ConfigSource source;
  std::optional<std::string> superuser_password;  // --set-superuser-password
  bool help = false;  // --help: print help_text() and exit 0; `config` is then the defaults
  // --import-murmur FILE [--server-id N]: copy a Murmur server into config's database, then exit.
  std::optional<std::filesystem::path> import_murmur;
  std::int64_t murmur_server_id = 1;
};

// plenum-server [--config FILE] [--port N] [--host ADDR] [--data-dir DIR]
//               [--set-superuser-password PW] [--log-level debug|info|warn|error] [--help]
// plenum-server --import-murmur FILE [--server-id N] [--config FILE] [--data-dir DIR]
Startup load_config(int argc, const char* const argv[]);
std::string help_text();

// Defaults, then the source's file (or the built-in ini), then its flags, then validation.
// Throws ConfigError; load_config builds its config this way, a reload does it again.
ServerConfig read_config(const ConfigSource& source);

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
