// Server addresses as users type them: mumble:// URLs and HOST:PORT. Pure functions, any
// thread; errors throw std::invalid_argument with a one-line message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plenum::client {

inline constexpr std::uint16_t kDefaultPort = 64738;

struct HostPort {
  std::string host;  // IPv6 literals without brackets
  std::uint16_t port = kDefaultPort;
};

// mumble://[USER[:PASSWORD]@]HOST[:PORT][/CHANNEL/PATH][?query]. User, password and channel
// names are percent-decoded; the query (Mumble's ?version=, ?title=) is ignored; IPv6 hosts
// come in brackets.
struct ServerUrl {
  std::optional<std::string> user;
  std::optional<std::string> password;
  HostPort server;
  std::string channel_path;  // "A/B", relative to the root channel; "" = root
};

ServerUrl parse_mumble_url(std::string_view url);

// "host", "host:port", "[v6]" or "[v6]:port".
HostPort parse_host_port(std::string_view text);

// "%41b" -> "Ab"; throws on a truncated or non-hex escape.
std::string percent_decode(std::string_view text);

}  // namespace plenum::client
