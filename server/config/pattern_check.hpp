// Checks the name patterns of the ini (`username`, `channelname`) the way server/state's
// NamePattern compiles them: std::regex, ECMAScript, on UTF-8 bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace plenum::server::config {

// std::regex compiles recursively: a bound keeps a hostile pattern from exhausting the stack.
inline constexpr std::size_t kMaxNamePatternLength = 512;

// Why `pattern` cannot be used, phrased to follow `key = "value"`; nullopt when it compiles.
std::optional<std::string> name_pattern_problem(std::string_view pattern);

}  // namespace plenum::server::config
