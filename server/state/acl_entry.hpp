// One ACL line of a channel and one channel group, as Mumble models them (src/ACL.h,
// src/Group.h). Plain data held by a Channel of the ChannelTree (control-plane thread).
#pragma once

#include "server/state/ids.hpp"
#include "server/state/permission.hpp"

#include <optional>
#include <set>
#include <string>

namespace plenum::server::state {

struct AclEntry {
  bool apply_here = true;   // applies in the channel that holds it
  bool apply_subs = true;   // applies in every channel below it
  std::optional<UserId> user_id;  // a registered user this entry names
  // A group specification, evaluated by group_applies(): "admin", "all", "auth", "in", "~sub,1",
  // "!#token", "$<cert sha1>" ... Empty when the entry names a user.
  std::string group;
  Permissions grant;
  Permissions deny;  // applied after grant: an entry that grants and denies a bit denies it

  bool operator==(const AclEntry&) const = default;
};

struct ChannelGroup {
  std::string name;
  bool inherit = true;      // start from the members of the same-named group further up
  bool inheritable = true;  // channels below may inherit this group
  std::set<UserId> add;     // registered users added here
  std::set<UserId> remove;  // registered users removed here (inherited members included)
  // Members for this server run only, by session (also unregistered users): never stored.
  // Murmur keeps such members across ACL edits; ChannelTree::set_access does the same.
  std::set<SessionId> temporary;

  bool operator==(const ChannelGroup&) const = default;
};

}  // namespace plenum::server::state
