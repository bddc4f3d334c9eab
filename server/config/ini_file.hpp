// Reads Murmur-style ini text into key/value entries: `key = value` lines, `[section]` headers,
// whole-line `#` or `;` comments. Which keys exist is the caller's business (load_config).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::config {

struct IniEntry {
  std::string key;    // "port", or "plenary.mode" for `mode` under `[plenary]`
  std::string value;  // trimmed; one pair of surrounding double quotes removed
  std::size_t line = 0;
};

// Throws ConfigError naming `origin` (a file name) and the line on a malformed line.
// Unlike Boost.Program_options' reader, `#` and `;` inside a value are kept: channel name
// patterns and HTML colours contain them.
std::vector<IniEntry> read_ini(std::istream& in, std::string_view origin);

}  // namespace plenum::server::config
