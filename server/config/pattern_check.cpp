// GCC 12 reports a false -Wmaybe-uninitialized inside libstdc++'s <regex> (std::function in
// _State) at -O1 and above, at a location in the library header; only a file-wide pragma
// silences it. This file is config's only std::regex user.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "server/config/pattern_check.hpp"

#include <fmt/core.h>

#include <regex>

namespace plenum::server::config {

namespace {

// libstdc++ reads repeat counts and back-reference numbers into a `long` without an overflow
// check (found by config_fuzz); no name rule needs a number this long.
constexpr std::size_t kMaxDigitRun = 9;

bool has_long_number(std::string_view pattern) noexcept {
  std::size_t run = 0;
  for (const char c : pattern) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > kMaxDigitRun) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> name_pattern_problem(std::string_view pattern) {
  if (pattern.empty()) return "must not be empty";
  if (pattern.size() > kMaxNamePatternLength) {
    return fmt::format("is too long for a name pattern (at most {} bytes)", kMaxNamePatternLength);
  }
  if (has_long_number(pattern)) {
    return fmt::format("has a number longer than {} digits", kMaxDigitRun);
  }
  try {
    const std::regex compiled{pattern.begin(), pattern.end(), std::regex::ECMAScript};
  } catch (const std::regex_error& error) {
    return fmt::format("is not a valid regular expression ({})", error.what());
  }
  return std::nullopt;
}

}  // namespace plenum::server::config
