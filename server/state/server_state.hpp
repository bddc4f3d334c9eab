// ServerState: the control plane's model of the server (channel tree, connected users, cached
// permissions) with the compound changes that keep them consistent: entering a channel
// recomputes suppression, removing a channel relocates its users, a leaving user takes its
// temporary group memberships along. Pure logic, no I/O. Owned by the control plane and
// touched only on its thread. Who may do what: channel_rules.hpp, user_rules.hpp.
#pragma once

#include "protocol/bytes.hpp"
#include "server/state/acl_entry.hpp"
#include "server/state/channel_tree.hpp"
#include "server/state/ids.hpp"
#include "server/state/name_rules.hpp"
#include "server/state/permission.hpp"
#include "server/state/permission_cache.hpp"
#include "server/state/text_limits.hpp"
#include "server/state/user.hpp"
#include "server/state/user_registry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace plenum::server::state {

// The server settings the state's rules depend on (filled from ServerConfig by the caller).
struct StateRules {
  std::uint32_t nesting_limit = 10;          // channelnestinglimit
  std::uint32_t channel_count_limit = 1000;  // channelcountlimit; 0 = unlimited
  std::uint32_t users_per_channel = 0;       // usersperchannel; 0 = unlimited
  std::string user_name_pattern{kDefaultUsernamePattern};        // username
  std::string channel_name_pattern{kDefaultChannelNamePattern};  // channelname
  TextLimits text;
};

// A user moved from one channel to another; what the control plane must announce.
struct ChannelEntry {
  SessionId session = 0;
  ChannelId from = kRootChannel;
  ChannelId to = kRootChannel;
  std::optional<bool> suppress;           // set when suppression changed
  bool priority_speaker_cleared = false;  // master drops the flag on every channel change
  std::optional<ChannelId> emptied_temporary;  // `from` is temporary and now empty: remove it
};

struct ChannelRemoval {
  std::vector<ChannelEntry> relocated;  // users moved out first; announce their UserState
  std::vector<std::pair<SessionId, ChannelId>> listeners_dropped;  // listening_channel_remove
  std::vector<ChannelId> removed;       // deepest first; send ChannelRemove in this order
};

struct Departure {
  ConnectedUser user;
  std::optional<ChannelId> emptied_temporary;
};

class ServerState {
 public:
  explicit ServerState(StateRules rules = {}, ChannelTree channels = ChannelTree{});

  const StateRules& rules() const noexcept { return rules_; }
  // A reload's new rules: limits and name patterns apply to the next check; nothing already in
  // the state is re-checked (a longer name stays, a fuller channel keeps its users).
  void set_rules(StateRules rules);
  const NamePattern& user_names() const noexcept { return user_names_; }
  const NamePattern& channel_names() const noexcept { return channel_names_; }
  // Structural and ACL edits go straight to the tree; its revision invalidates the cache.
  ChannelTree& channels() noexcept { return tree_; }
  const ChannelTree& channels() const noexcept { return tree_; }
  // Change a user's channel through enter_channel and its identity through set_tokens /
  // set_user_id, which keep the permission cache right; other fields may be edited in place.
  UserRegistry& users() noexcept { return users_; }
  const UserRegistry& users() const noexcept { return users_; }

  // Permissions, cached per (session, channel). None for unknown sessions or channels.
  Permissions permissions(SessionId session, ChannelId channel) const;
  bool has_permission(SessionId session, ChannelId channel, Permissions any_of) const;
  std::uint32_t permission_query_value(SessionId session, ChannelId channel) const;
  // ServerSync.permissions: the root's wire value; plain kAllPermissions for SuperUser.
  std::uint32_t server_sync_permissions(SessionId session) const;
  bool may_speak(SessionId session) const;  // Speak in its own channel; else suppressed

  // Murmur's isChannelFull: max_users, else usersperchannel; `actor` with Write is exempt.
  bool is_channel_full(ChannelId channel, std::optional<SessionId> actor = std::nullopt) const;
  // Where an authenticating user (not admitted yet) lands, as in msgAuthenticate: `remembered`
  // (registered users with rememberchannel), else `default_channel`, else the root, each
  // needing Enter and room. Empty: even the root is full (Reject ServerFull).
  std::optional<ChannelId> start_channel(const ConnectedUser& newcomer,
                                         std::optional<ChannelId> remembered,
                                         ChannelId default_channel) const;

  // Adds an authenticated user (session from users().allocate_session()) into `channel` and
  // sets its suppression.
  Result<ConnectedUser*> admit(ConnectedUser user, ChannelId channel);
  Result<ChannelEntry> enter_channel(SessionId session, ChannelId channel);  // no checks
  std::optional<Departure> disconnect(SessionId session);
  Result<void> set_tokens(SessionId session, std::vector<std::string> tokens);
  Result<void> set_user_id(SessionId session, std::optional<UserId> user_id);
  // After ACL or group edits: every user whose suppression flipped, with the new value.
  std::vector<std::pair<SessionId, bool>> refresh_suppression();

  // A channel made by a user (msgChannelState): a registered creator joins the new channel's
  // `admin` group, and a creator still without Write there gets an entry granting it. The
  // caller then moves the creator into a temporary channel (enter_channel), as Murmur does.
  Result<ChannelId> create_channel(SessionId creator, ChannelId parent, NewChannel spec);
  // Replaces a channel's ACL (msgACL). An editor who lost Write by it gets an entry granting it
  // back (registered or with a certificate). The caller drops ids of unknown accounts first.
  Result<void> set_access(SessionId editor, ChannelId channel, bool inherit_acls,
                          std::vector<AclEntry> acls, std::vector<ChannelGroup> groups);
  Result<ChannelRemoval> remove_channel(ChannelId channel);

 private:
  void grant_write_to(const ConnectedUser& user, ChannelId channel);
  bool full_for(ChannelId channel, Permissions actor_permissions) const;

  StateRules rules_;
  NamePattern user_names_;
  NamePattern channel_names_;
  ChannelTree tree_;
  UserRegistry users_;
  mutable PermissionCache cache_;  // a memo: filling it does not change the state
};

}  // namespace plenum::server::state
