// The one list of config keys: each key's ini name, where its value lives in ServerConfig, and
// how it is parsed, printed and checked. Loading, format_ini() and the tests all walk this list.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/config/server_config.hpp"

namespace plenum::server::config {

// A problem with a value, phrased to follow `key = "value"`, e.g. "is out of range (1..65535)".
using Problem = std::optional<std::string>;

struct ConfigKey {
  // Murmur's spelling where the meaning is Murmur's; keys of an ini [section] are "section.key".
  std::string_view name;
  // Parses the text into the config; on failure leaves the config as it was.
  std::function<Problem(ServerConfig&, std::string_view text)> set;
  // The value as plenum.ini writes it; set(format(c)) reproduces c's value.
  std::function<std::string(const ServerConfig&)> format;
  // Range and shape checks of the value currently in the config.
  std::function<Problem(const ServerConfig&)> check;
  // True for free text, which format() writes in double quotes.
  bool quoted = false;
};

std::span<const ConfigKey> config_keys();
const ConfigKey* find_config_key(std::string_view name) noexcept;

}  // namespace plenum::server::config
