// What this server says it is. The protocol version decides the UDP format stock clients use:
// announcing 1.5.0 makes 1.5+ clients speak protobuf UDP to us, while 1.3/1.4 clients keep the
// legacy format; the voice plane translates between them (MUMBLE_PROTOCOL.md §4.7).
#pragma once

#include "protocol/version.hpp"

#include <string>
#include <string_view>

namespace plenum::server::control {

inline constexpr protocol::Version kServerProtocolVersion{1, 5, 0};
inline constexpr std::string_view kServerRelease = "Plenum 0.1.0";

// The kernel release, as Murmur reports its OS version.
std::string server_os_version();

}  // namespace plenum::server::control
