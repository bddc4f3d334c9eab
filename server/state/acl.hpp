// Mumble's permission model: group membership (Group::appliesToUser) and effective permissions
// (ChanACL::effectivePermissions), as master computes them, plus the ACL a fresh Murmur gives
// its root channel. Pure functions over a ChannelTree; callers run them on the control-plane
// thread, and ServerState caches the results in a PermissionCache.
#pragma once

#include "server/state/acl_entry.hpp"
#include "server/state/channel_tree.hpp"
#include "server/state/ids.hpp"
#include "server/state/permission.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

// Everything about a user that ACLs and groups look at.
struct AclSubject {
  SessionId session = 0;
  std::optional<UserId> user_id;    // registered account; kSuperUserId is SuperUser
  std::string cert_hash;            // SHA-1 hex of the client certificate; "" = none
  std::vector<std::string> tokens;  // access tokens (#token groups), compared ignoring case
  ChannelId channel = kRootChannel;  // where the user is now (in, out, sub)
  bool strong_certificate = false;   // certificate chain verified ("strong" group)
};

// Whether `spec` names `subject` when evaluated for channel `current` by an ACL entry held in
// `acl_channel` (an ancestor of `current`, or `current` itself). Prefixes, in any order:
// `!` negates, `~` evaluates in `acl_channel` instead of `current`, `#` names an access token,
// `$` a certificate hash. Built-in names: none, all, auth (registered), strong, in, out and
// `sub[,offset[,min[,max]]]` (the user is in a sub-channel min..max levels below the channel
// `offset` levels below the context, default 0,1,1000). Any other name is a channel group,
// inherited down the tree (inherit / inheritable) with add and remove lists along the way.
bool group_applies(const ChannelTree& tree, ChannelId current, ChannelId acl_channel,
                   std::string_view spec, const AclSubject& subject);

// Effective permissions of `subject` in `channel` (none for an unknown channel). Walks root ->
// channel starting from kBaselinePermissions (again wherever inherit_acls is false); an entry
// applies in its own channel if apply_here and below it if apply_subs; grant then deny, in
// order. Losing Traverse on the path (denied by an entry applying here or below) and not
// holding Write ends with no permissions at all. Write implies kImpliedByWrite (and the
// root-only bits at the root); root-only bits are granted only by root entries evaluated at the
// root. SuperUser gets kSuperUserPermissions everywhere.
Permissions effective_permissions(const ChannelTree& tree, const AclSubject& subject,
                                  ChannelId channel);

// A fresh Murmur server's root ACL (ServerDB / DBWrapper::addServer): @admin Write (here and
// below), @auth MakeTempChannel (here and below), @all SelfRegister (root only); and the empty,
// inheritable `admin` group. Anonymous users get 0x0808030E at the root, registered ones
// 0x0808070E (Cached bit included) [observed 1.3.4]; master adds Listen (0x800).
std::vector<AclEntry> default_root_acls();
std::vector<ChannelGroup> default_root_groups();

}  // namespace plenum::server::state
