// GCC 12 reports a false -Wmaybe-uninitialized inside libstdc++'s <regex> (std::function in the
// NFA state) at -O1 with sanitizers; the warning is about library code, not ours.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "server/state/name_rules.hpp"

#include "server/state/text_limits.hpp"

#include <algorithm>
#include <regex>

namespace plenum::server::state {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char fold(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

struct NamePattern::Compiled {
  std::regex regex;
};

NamePattern::NamePattern(std::string_view pattern)
    : pattern_{pattern},
      compiled_{std::make_shared<const Compiled>(
          Compiled{std::regex{pattern_, std::regex::ECMAScript | std::regex::optimize}})} {}

bool NamePattern::matches(std::string_view name) const {
  return std::regex_match(name.begin(), name.end(), compiled_->regex);
}

bool valid_user_name(std::string_view name, const NamePattern& pattern) {
  if (name.empty() || is_space(name.front()) || is_space(name.back())) return false;
  const auto length = utf16_length(name);
  if (!length || *length > kMaxUserNameLength) return false;
  return pattern.matches(name);
}

bool valid_channel_name(std::string_view name, const NamePattern& pattern) {
  if (name.empty()) return false;
  const auto length = utf16_length(name);
  if (!length || *length > kMaxChannelNameLength) return false;
  return pattern.matches(name);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return fold(x) == fold(y); });
}

}  // namespace plenum::server::state
