// What an ACL query (ACL message with query=true) shows for a channel, computed as Murmur's
// msgACL does: the entries in force with their origin, and every group visible there with its
// inherited members. Pure functions over a ChannelTree (control-plane thread).
#pragma once

#include "server/state/acl_entry.hpp"
#include "server/state/channel_tree.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

struct AclViewEntry {
  AclEntry entry;
  bool inherited = false;  // held by an ancestor
};

struct GroupView {
  std::string name;
  bool inherited = false;  // an inheritable group of that name exists further up
  bool inherit = true;
  bool inheritable = true;
  std::set<UserId> add;     // this channel's own lists
  std::set<UserId> remove;
  std::set<UserId> inherited_members;  // members of the group further up
};

struct AclView {
  bool inherit_acls = true;
  std::vector<AclViewEntry> acls;  // root-most first, as evaluated
  std::vector<GroupView> groups;   // by name
  std::set<UserId> user_ids;       // every user named above (the reply's QueryUsers)
};

std::optional<AclView> describe_acl(const ChannelTree& tree, ChannelId channel);

struct FoundGroup {
  ChannelId channel = kRootChannel;  // where it is defined
  const ChannelGroup* group = nullptr;
};

// The group `name` as seen from `channel` (Group::getGroup): the nearest definition at or above
// it, unless that one is further up and not inheritable.
std::optional<FoundGroup> find_group(const ChannelTree& tree, ChannelId channel,
                                     std::string_view name);

// Registered members of the group `name` defined in `channel`, following inheritance up the
// tree (Group::members). Temporary members are not listed.
std::set<UserId> group_members(const ChannelTree& tree, ChannelId channel, std::string_view name);

// Names of the groups visible in `channel` (Group::groupNames).
std::set<std::string> group_names(const ChannelTree& tree, ChannelId channel);

}  // namespace plenum::server::state
