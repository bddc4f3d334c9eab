// The unauthenticated UDP server-query ping (MUMBLE_PROTOCOL.md §4.5): what a server list
// shows. Stateless; any thread.
#pragma once

#include "tests/support/process.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace plenum::test {

struct QueryPingReply {
  std::uint32_t version_v1 = 0;
  std::array<std::uint8_t, 8> ident{};  // the 8 opaque request bytes, echoed
  std::uint32_t users = 0;
  std::uint32_t max_users = 0;
  std::uint32_t bandwidth_bps = 0;
  std::size_t size = 0;  // bytes in the reply datagram (24 for the legacy form)
};

// Sends the legacy 12-byte request `00000000 ‖ ident` to host:port from a fresh UDP socket,
// resending every 100 ms (UDP may drop), until a reply echoing `ident` arrives or the
// deadline passes. Replies of any length are returned; fields are parsed when ≥ 24 bytes.
std::optional<QueryPingReply> query_ping(const std::string& host, std::uint16_t port,
                                         const std::array<std::uint8_t, 8>& ident,
                                         Deadline deadline);

}  // namespace plenum::test
