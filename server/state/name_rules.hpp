// Murmur's name rules for users and channels: a configurable regex that must match the whole
// name (ini keys `username`, `channelname`) plus length and whitespace limits. Immutable after
// construction; owned by ServerState (control-plane thread).
#pragma once

#include "server/config/server_config.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace plenum::server::state {

// Murmur master's defaults live with the rest of the defaults, in ServerConfig
// (server/config/server_config.hpp: kDefaultUsernamePattern, kDefaultChannelNamePattern). They
// are matched on UTF-8 bytes, so \w is ASCII only, as with master's QRegularExpression: names
// with other letters need a wider pattern, e.g. `.+` (1.3.4's QRegExp let \w match any letter).
using config::kDefaultChannelNamePattern;
using config::kDefaultUsernamePattern;

// In UTF-16 code units, the unit of Murmur's QString::length().
inline constexpr std::size_t kMaxUserNameLength = 128;
inline constexpr std::size_t kMaxChannelNameLength = 512;

class NamePattern {
 public:
  // Throws std::regex_error for a pattern std::regex (ECMAScript) cannot compile; config
  // loading turns that into its one-line error.
  explicit NamePattern(std::string_view pattern);

  bool matches(std::string_view name) const;  // the whole name
  const std::string& pattern() const noexcept { return pattern_; }

 private:
  struct Compiled;  // the std::regex, kept out of this header
  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;
};

// Non-empty, at most kMaxUserNameLength, no leading or trailing whitespace (master trims the
// name a client sends and refuses one that still differs), valid UTF-8, matches the pattern.
bool valid_user_name(std::string_view name, const NamePattern& pattern);

// Non-empty, at most kMaxChannelNameLength, valid UTF-8, matches the pattern.
bool valid_channel_name(std::string_view name, const NamePattern& pattern);

// ASCII case folding for name comparisons; other bytes compare as they are.
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

}  // namespace plenum::server::state
