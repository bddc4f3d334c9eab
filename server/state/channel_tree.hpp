// ChannelTree: the server's channels as a tree under the root (id 0) plus symmetric links. It
// keeps the structure consistent (parents exist, no cycles, links both ways) and decides nothing
// about permissions (acl.hpp, server_state.hpp do). Owned by ServerState on the control-plane
// thread; not thread-safe.
#pragma once

#include "protocol/bytes.hpp"
#include "server/state/channel.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

using protocol::Result;

struct NewChannel {
  std::string name;
  std::string description;
  std::int32_t position = 0;
  std::uint32_t max_users = 0;
  bool temporary = false;
  std::optional<ChannelId> id;  // set when loading stored channels; else the lowest free id
};

class ChannelTree {
 public:
  explicit ChannelTree(std::string root_name = "Root");

  // Builds a tree from stored channels in any order (parents may come after children). A record
  // with id 0 replaces the root's attributes; `children` are recomputed, links made symmetric.
  static Result<ChannelTree> from_channels(std::vector<Channel> channels,
                                           std::string root_name = "Root");

  const Channel& root() const noexcept;
  const Channel* find(ChannelId id) const noexcept;
  bool contains(ChannelId id) const noexcept { return channels_.contains(id); }
  std::size_t size() const noexcept { return channels_.size(); }
  const std::map<ChannelId, Channel>& channels() const noexcept { return channels_; }
  // Grows on every change; PermissionCache drops its entries when it moves.
  std::uint64_t revision() const noexcept { return revision_; }

  // Structure. Names are not checked here (ServerState's rules do that).
  Result<ChannelId> create(ChannelId parent, NewChannel spec);
  Result<std::vector<ChannelId>> remove(ChannelId id);  // with its subtree; deepest first
  Result<void> rename(ChannelId id, std::string name);
  Result<void> move(ChannelId id, ChannelId new_parent);
  Result<void> link(ChannelId a, ChannelId b);
  Result<void> unlink(ChannelId a, ChannelId b);

  // Attributes.
  Result<void> set_description(ChannelId id, std::string description);
  Result<void> set_position(ChannelId id, std::int32_t position);
  Result<void> set_max_users(ChannelId id, std::uint32_t max_users);
  // The channel's plenary settings (DESIGN.md §4); they change no permission.
  Result<void> set_plenary(ChannelId id, PlenarySettings settings);
  // Replaces a channel's ACL entries and groups (an ACL message). Temporary group members
  // survive for groups that keep their name, as in Murmur's msgACL.
  Result<void> set_access(ChannelId id, bool inherit_acls, std::vector<AclEntry> acls,
                          std::vector<ChannelGroup> groups);
  Result<void> add_acl(ChannelId id, AclEntry entry);
  // Adds a registered user to a group of the channel, creating the group if needed.
  Result<void> add_group_member(ChannelId id, std::string_view group, UserId user);
  Result<void> set_temporary_member(ChannelId id, std::string_view group, SessionId session,
                                    bool member);
  void forget_session(SessionId session);  // drops its temporary group memberships
  void forget_user(UserId user);           // unregistration: entries and group lists naming it

  // Queries.
  std::vector<ChannelId> breadth_first() const;  // root first, parents before children
  std::vector<ChannelId> descendants(ChannelId id) const;  // breadth-first, without id
  std::vector<ChannelId> path_from_root(ChannelId id) const;  // root .. id; empty if unknown
  std::set<ChannelId> all_links(ChannelId id) const;  // transitive closure, with id itself
  std::size_t level(ChannelId id) const;              // root 0, its children 1 ...
  std::size_t subtree_height(ChannelId id) const;     // 0 for a channel without children
  bool is_in_subtree(ChannelId top, ChannelId id) const;  // id == top or below it
  // Murmur's canNest: would `moving` (nullopt: a new channel) fit below `new_parent` within a
  // nesting limit of `limit` levels below the root?
  bool can_nest(ChannelId new_parent, std::optional<ChannelId> moving, std::uint32_t limit) const;
  const Channel* find_child(ChannelId parent, std::string_view name) const;
  // "A/B/C" below `from` (empty segments skipped), as in defaultchannel paths and mumble:// URLs.
  std::optional<ChannelId> find_path(std::string_view path, ChannelId from = kRootChannel) const;
  std::optional<ChannelId> find_path(std::span<const std::string> segments,
                                     ChannelId from = kRootChannel) const;
  std::string path_of(ChannelId id) const;  // "A/B/C" without the root; "" for the root

 private:
  Channel* find_mutable(ChannelId id) noexcept;
  Result<ChannelId> free_id() const;
  void attach(Channel& parent, ChannelId child);
  void detach(Channel& parent, ChannelId child);
  void changed() noexcept { ++revision_; }

  std::map<ChannelId, Channel> channels_;
  std::uint64_t revision_ = 0;
};

}  // namespace plenum::server::state
