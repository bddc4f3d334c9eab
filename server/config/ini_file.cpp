#include "server/config/ini_file.hpp"

#include <fmt/core.h>

#include "server/config/config_error.hpp"

namespace plenum::server::config {

namespace {

constexpr std::string_view kBlank = " \t\r\f\v";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view text) noexcept {
  const std::size_t first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kBlank);
  return text.substr(first, last - first + 1);
}

std::string where(std::string_view origin, std::size_t line) {
  return fmt::format("{} line {}", origin, line);
}

}  // namespace

std::vector<IniEntry> read_ini(std::istream& in, std::string_view origin) {
  std::vector<IniEntry> entries;
  std::string section;
  std::string raw;
  std::size_t line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string_view text = raw;
    if (line == 1 && text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    text = trim(text);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;

    if (text.front() == '[') {
      const std::string_view name =
          text.back() == ']' ? trim(text.substr(1, text.size() - 2)) : std::string_view{};
      if (name.empty()) {
        throw ConfigError{fmt::format("config: {} is not a [section] line ({})", quote_value(text),
                                      where(origin, line))};
      }
      section = std::string{name} + ".";
      continue;
    }

    const std::size_t equals = text.find('=');
    const std::string_view key =
        equals == std::string_view::npos ? std::string_view{} : trim(text.substr(0, equals));
    if (key.empty()) {
      throw ConfigError{fmt::format("config: {} is not a key = value line ({})", quote_value(text),
                                    where(origin, line))};
    }
    std::string_view value = trim(text.substr(equals + 1));
    const std::string full_key = section + std::string{key};
    if (value.starts_with('"')) {
      if (value.size() < 2 || !value.ends_with('"')) {
        throw ConfigError::bad_value(full_key, value, "has an opening quote but no closing one",
                                     where(origin, line));
      }
      value = value.substr(1, value.size() - 2);
    }
    entries.push_back({full_key, std::string{value}, line});
  }
  return entries;
}

}  // namespace plenum::server::config
