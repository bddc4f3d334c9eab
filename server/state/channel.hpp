// A channel as the server knows it: place in the tree, attributes, ACL entries, groups and links.
// Owned by the ChannelTree (control-plane thread); structural fields change only through it.
#pragma once

#include "server/state/acl_entry.hpp"
#include "server/state/ids.hpp"
#include "server/state/plenary_settings.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace plenum::server::state {

struct Channel {
  ChannelId id = kRootChannel;
  std::optional<ChannelId> parent;  // empty only for the root
  std::string name;
  std::string description;
  std::int32_t position = 0;   // sort weight among siblings
  std::uint32_t max_users = 0;  // 0: the server's usersperchannel applies
  bool temporary = false;       // not stored; removed when its last user leaves
  PlenarySettings plenary;      // DESIGN.md §4: engine and floor settings of this channel

  bool inherit_acls = true;  // false: evaluation restarts from the baseline here
  std::vector<AclEntry> acls;  // in evaluation order
  std::map<std::string, ChannelGroup, std::less<>> groups;  // by name

  std::set<ChannelId> links;       // direct links; symmetric
  std::vector<ChannelId> children;  // ascending ids; maintained by the tree

  bool operator==(const Channel&) const = default;
};

}  // namespace plenum::server::state
