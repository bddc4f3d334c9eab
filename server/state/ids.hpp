// Identifiers shared by the server's state, control and voice planes. Planes refer to each other
// by these ids, never by pointer (STYLE.md §3). The state they name lives on the control-plane
// thread.
#pragma once

#include <cstdint>

namespace plenum::server::state {

using SessionId = std::uint32_t;  // one connection; never 0 (Murmur reserves it)
using ChannelId = std::uint32_t;  // a channel; the root is 0
using UserId = std::uint32_t;     // a registered account; SuperUser is 0

inline constexpr ChannelId kRootChannel = 0;
inline constexpr UserId kSuperUserId = 0;

}  // namespace plenum::server::state
