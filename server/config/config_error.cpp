#include "server/config/config_error.hpp"

#include <fmt/core.h>

#include <cstddef>

namespace plenum::server::config {

namespace {

constexpr std::size_t kMaxQuotedBytes = 80;

bool is_utf8_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte == 0x7FU) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote_value(std::string_view value) {
  bool cut = false;
  if (value.size() > kMaxQuotedBytes) {
    std::size_t end = kMaxQuotedBytes;
    while (end > 0 && is_utf8_continuation(value[end])) --end;
    value = value.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte == 0x7FU) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  out += cut ? "...\"" : "\"";
  return out;
}

ConfigError ConfigError::bad_value(std::string_view key, std::string_view value,
                                   std::string_view problem, std::string_view origin) {
  std::string message = fmt::format("config: {} = {} {}", key, quote_value(value), problem);
  if (!origin.empty()) message += fmt::format(" ({})", origin);
  return ConfigError{message};
}

}  // namespace plenum::server::config
