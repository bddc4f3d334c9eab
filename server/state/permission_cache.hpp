// Memo of effective permissions by (session, channel), as Murmur's ACLCache. Entries belong to
// one ChannelTree revision: any change to the tree (ACLs, groups, structure) empties the cache,
// and ServerState forgets a session's entries when that user changes (channel, tokens,
// registration). Owned by ServerState on the control-plane thread.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/permission.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace plenum::server::state {

class PermissionCache {
 public:
  std::optional<Permissions> find(SessionId session, ChannelId channel,
                                  std::uint64_t tree_revision) const;
  void store(SessionId session, ChannelId channel, std::uint64_t tree_revision,
             Permissions permissions);
  void forget(SessionId session);
  void clear() noexcept;
  std::size_t size() const noexcept;

 private:
  std::uint64_t revision_ = 0;
  std::unordered_map<SessionId, std::unordered_map<ChannelId, Permissions>> entries_;
};

}  // namespace plenum::server::state
