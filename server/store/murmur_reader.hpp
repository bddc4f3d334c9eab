// Reads one virtual server out of a Murmur 1.3/1.4/1.5 SQLite database (Murmur's ServerDB.cpp
// schema: servers, channels, channel_info, channel_links, acl, groups, group_members, users,
// user_info, bans, each keyed by server_id) into Plenum's store records. Read-only; opens the
// file itself and closes it before returning. Used by --import-murmur on the startup thread.
// Privacy (DESIGN.md §5): Murmur's log (slog), last-seen times (users.last_active,
// last_disconnect), last channels, e-mail addresses and textures are never read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "server/store/records.hpp"

namespace plenum::server::store {

struct MurmurServer {
  // Channels parent first (the root, id 0, first); users by id; bans in Murmur's order.
  StoredState state;
  std::size_t group_members = 0;        // add and remove entries over all groups
  std::size_t users_with_password = 0;  // accounts whose Murmur password hash came along
};

// Throws StoreError with one line naming the file: not a readable SQLite file, damaged, not a
// Murmur database, no virtual server `server_id`, or contents Plenum cannot take (a channel
// tree with a cycle or a missing parent, two user names that differ only in case).
MurmurServer read_murmur_database(const std::filesystem::path& file, std::int64_t server_id);

}  // namespace plenum::server::store
