// ConfigError: the one exception of config loading. Its what() is a single line naming the key
// and the value; plenum-server prints it and exits 2 (DESIGN.md §6).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace plenum::server::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;

  // `config: <key> = "<value>" <problem> (<origin>)`; origin is a file and line or a flag.
  static ConfigError bad_value(std::string_view key, std::string_view value,
                               std::string_view problem, std::string_view origin = {});
};

// Text with control bytes written as \xNN, so a message built from it stays one line.
std::string printable(std::string_view text);

// A value as it appears in a message: in double quotes, control bytes escaped (so the message
// stays one line) and cut after 80 bytes.
std::string quote_value(std::string_view value);

}  // namespace plenum::server::config
