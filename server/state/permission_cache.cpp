#include "server/state/permission_cache.hpp"

namespace plenum::server::state {

std::optional<Permissions> PermissionCache::find(SessionId session, ChannelId channel,
                                                 std::uint64_t tree_revision) const {
  if (tree_revision != revision_) return std::nullopt;
  const auto user = entries_.find(session);
  if (user == entries_.end()) return std::nullopt;
  const auto entry = user->second.find(channel);
  if (entry == user->second.end()) return std::nullopt;
  return entry->second;
}

void PermissionCache::store(SessionId session, ChannelId channel, std::uint64_t tree_revision,
                            Permissions permissions) {
  if (tree_revision != revision_) {
    entries_.clear();
    revision_ = tree_revision;
  }
  entries_[session][channel] = permissions;
}

void PermissionCache::forget(SessionId session) { entries_.erase(session); }

void PermissionCache::clear() noexcept { entries_.clear(); }

std::size_t PermissionCache::size() const noexcept {
  std::size_t count = 0;
  for (const auto& [session, channels] : entries_) count += channels.size();
  return count;
}

}  // namespace plenum::server::state
