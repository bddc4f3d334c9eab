// The channel tree as the TUI lists it: one row per channel and per user, depth-first in
// Mumble's order, with talking/mute/deaf markers. Pure function of the ServerView.
#pragma once

#include "client-cli/core/server_view.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace plenum::client {

struct TreeLine {
  enum class Kind { Channel, User };
  Kind kind = Kind::Channel;
  std::uint32_t id = 0;  // channel id or user session
  int depth = 0;
  std::string text;      // indentation, marker and name, ready to print
  bool own = false;      // our own user, or the channel we are in
};

// `talking(session)` says who is audible right now.
std::vector<TreeLine> tree_lines(const ServerView& view,
                                 const std::function<bool(std::uint32_t)>& talking);

// "[*]" talking, "[ ]" quiet; then " M" (muted: self or by an admin), " D" (deafened),
// " S" (suppressed by the server).
std::string user_markers(const UserEntry& user, bool talking);

}  // namespace plenum::client
