#include "server/state/server_state.hpp"

#include "server/state/acl.hpp"
#include "server/state/state_error.hpp"

#include <algorithm>

namespace plenum::server::state {

ServerState::ServerState(StateRules rules, ChannelTree channels)
    : rules_{std::move(rules)},
      user_names_{rules_.user_name_pattern},
      channel_names_{rules_.channel_name_pattern},
      tree_{std::move(channels)} {}

void ServerState::set_rules(StateRules rules) {
  // Compile both patterns before anything changes: a pattern that does not compile throws here
  // and leaves the state as it was.
  NamePattern user_names{rules.user_name_pattern};
  NamePattern channel_names{rules.channel_name_pattern};
  rules_ = std::move(rules);
  user_names_ = std::move(user_names);
  channel_names_ = std::move(channel_names);
}

Permissions ServerState::permissions(SessionId session, ChannelId channel) const {
  if (auto cached = cache_.find(session, channel, tree_.revision())) return *cached;
  const ConnectedUser* user = users_.find(session);
  if (user == nullptr || !tree_.contains(channel)) return {};
  const Permissions computed = effective_permissions(tree_, user->acl_subject(), channel);
  cache_.store(session, channel, tree_.revision(), computed);
  return computed;
}

bool ServerState::has_permission(SessionId session, ChannelId channel,
                                 Permissions any_of) const {
  return permissions(session, channel).has_any(any_of);
}

std::uint32_t ServerState::permission_query_value(SessionId session, ChannelId channel) const {
  return to_wire(permissions(session, channel));
}

std::uint32_t ServerState::server_sync_permissions(SessionId session) const {
  const ConnectedUser* user = users_.find(session);
  if (user != nullptr && user->user_id == kSuperUserId) return kAllPermissions.bits();
  return permission_query_value(session, kRootChannel);
}

bool ServerState::may_speak(SessionId session) const {
  const ConnectedUser* user = users_.find(session);
  return user != nullptr && has_permission(session, user->channel, Permission::Speak);
}

bool ServerState::full_for(ChannelId channel, Permissions actor_permissions) const {
  const Channel* target = tree_.find(channel);
  if (target == nullptr || actor_permissions.has(Permission::Write)) return false;
  const std::uint32_t limit = target->max_users != 0 ? target->max_users : rules_.users_per_channel;
  return limit != 0 && users_.count_in_channel(channel) >= limit;
}

bool ServerState::is_channel_full(ChannelId channel, std::optional<SessionId> actor) const {
  return full_for(channel, actor ? permissions(*actor, channel) : Permissions{});
}

std::optional<ChannelId> ServerState::start_channel(const ConnectedUser& newcomer,
                                                    std::optional<ChannelId> remembered,
                                                    ChannelId default_channel) const {
  const AclSubject subject = newcomer.acl_subject();
  const auto usable = [&](std::optional<ChannelId> channel) {
    if (!channel || !tree_.contains(*channel)) return false;
    const Permissions granted = effective_permissions(tree_, subject, *channel);
    return granted.has(Permission::Enter) && !full_for(*channel, granted);
  };
  if (usable(remembered)) return remembered;
  if (usable(default_channel)) return default_channel;
  if (full_for(kRootChannel, effective_permissions(tree_, subject, kRootChannel))) {
    return std::nullopt;
  }
  return kRootChannel;
}

Result<ConnectedUser*> ServerState::admit(ConnectedUser user, ChannelId channel) {
  if (!tree_.contains(channel)) return StateError::UnknownChannel;
  user.channel = channel;
  cache_.forget(user.session);
  auto added = users_.add(std::move(user));
  if (!added) return added.error();
  ConnectedUser& admitted = **added;
  admitted.suppress = !may_speak(admitted.session);
  return &admitted;
}

Result<ChannelEntry> ServerState::enter_channel(SessionId session, ChannelId channel) {
  ConnectedUser* user = users_.find(session);
  if (user == nullptr) return StateError::UnknownSession;
  if (!tree_.contains(channel)) return StateError::UnknownChannel;
  ChannelEntry entry{session, user->channel, channel, std::nullopt, false, std::nullopt};
  if (user->channel == channel) return entry;
  user->channel = channel;
  cache_.forget(session);  // in, out and sub groups depend on the user's channel
  const bool speaks = may_speak(session);
  if (speaks == user->suppress) {
    user->suppress = !speaks;
    entry.suppress = user->suppress;
  }
  if (user->priority_speaker) {
    user->priority_speaker = false;
    entry.priority_speaker_cleared = true;
  }
  const Channel* left = tree_.find(entry.from);
  if (left != nullptr && left->temporary && users_.count_in_channel(entry.from) == 0) {
    entry.emptied_temporary = entry.from;
  }
  return entry;
}

std::optional<Departure> ServerState::disconnect(SessionId session) {
  auto user = users_.remove(session);
  if (!user) return std::nullopt;
  cache_.forget(session);
  tree_.forget_session(session);
  Departure departure{std::move(*user), std::nullopt};
  const Channel* left = tree_.find(departure.user.channel);
  if (left != nullptr && left->temporary && users_.count_in_channel(left->id) == 0) {
    departure.emptied_temporary = left->id;
  }
  return departure;
}

Result<void> ServerState::set_tokens(SessionId session, std::vector<std::string> tokens) {
  ConnectedUser* user = users_.find(session);
  if (user == nullptr) return StateError::UnknownSession;
  user->tokens = std::move(tokens);
  cache_.forget(session);
  return {};
}

Result<void> ServerState::set_user_id(SessionId session, std::optional<UserId> user_id) {
  ConnectedUser* user = users_.find(session);
  if (user == nullptr) return StateError::UnknownSession;
  user->user_id = user_id;
  cache_.forget(session);
  return {};
}

std::vector<std::pair<SessionId, bool>> ServerState::refresh_suppression() {
  std::vector<std::pair<SessionId, bool>> flipped;
  for (const auto& [session, entry] : users_.users()) {
    const bool speaks = may_speak(session);
    if (speaks != entry.suppress) continue;
    users_.find(session)->suppress = !speaks;
    flipped.emplace_back(session, !speaks);
  }
  return flipped;
}

void ServerState::grant_write_to(const ConnectedUser& user, ChannelId channel) {
  AclEntry entry;
  entry.apply_here = true;
  entry.apply_subs = false;
  if (user.user_id) {
    entry.user_id = user.user_id;
  } else {
    entry.group = "$" + user.cert_hash;
  }
  entry.grant = Permission::Write | Permission::Traverse;
  (void)tree_.add_acl(channel, std::move(entry));
}

Result<ChannelId> ServerState::create_channel(SessionId creator, ChannelId parent,
                                              NewChannel spec) {
  const ConnectedUser* user = users_.find(creator);
  if (user == nullptr) return StateError::UnknownSession;
  auto created = tree_.create(parent, std::move(spec));
  if (!created) return created;
  if (user->user_id) (void)tree_.add_group_member(*created, "admin", *user->user_id);
  if (!has_permission(creator, *created, Permission::Write)) grant_write_to(*user, *created);
  return created;
}

Result<void> ServerState::set_access(SessionId editor, ChannelId channel, bool inherit_acls,
                                     std::vector<AclEntry> acls,
                                     std::vector<ChannelGroup> groups) {
  const ConnectedUser* user = users_.find(editor);
  if (user == nullptr) return StateError::UnknownSession;
  auto set = tree_.set_access(channel, inherit_acls, std::move(acls), std::move(groups));
  if (!set) return set;
  const bool identifiable = user->user_id.has_value() || !user->cert_hash.empty();
  if (identifiable && !has_permission(editor, channel, Permission::Write)) {
    grant_write_to(*user, channel);
  }
  return {};
}

Result<ChannelRemoval> ServerState::remove_channel(ChannelId channel) {
  const Channel* doomed = tree_.find(channel);
  if (doomed == nullptr) return StateError::UnknownChannel;
  if (!doomed->parent) return StateError::RootImmutable;
  const ChannelId destination = *doomed->parent;
  std::vector<ChannelId> subtree = tree_.descendants(channel);
  subtree.push_back(channel);
  const auto doomed_channel = [&subtree](ChannelId id) {
    return std::find(subtree.begin(), subtree.end(), id) != subtree.end();
  };

  ChannelRemoval removal;
  std::vector<SessionId> evicted;
  for (auto& [session, user] : users_.users()) {
    if (doomed_channel(user.channel)) evicted.push_back(session);
  }
  for (const SessionId session : evicted) {
    // Murmur walks up from the parent until the user may enter and there is room.
    ChannelId target = destination;
    while (target != kRootChannel && (!has_permission(session, target, Permission::Enter) ||
                                      is_channel_full(target, session))) {
      target = *tree_.find(target)->parent;
    }
    auto entry = enter_channel(session, target);
    if (!entry) return entry.error();
    entry->emptied_temporary.reset();  // it is being removed anyway
    removal.relocated.push_back(*entry);
  }
  for (const auto& [session, user] : users_.users()) {
    for (const auto& [listened, volume] : user.listening) {
      if (doomed_channel(listened)) removal.listeners_dropped.emplace_back(session, listened);
    }
  }
  for (const auto& [session, listened] : removal.listeners_dropped) {
    users_.find(session)->listening.erase(listened);
  }
  auto removed = tree_.remove(channel);
  if (!removed) return removed.error();
  removal.removed = std::move(*removed);
  return removal;
}

}  // namespace plenum::server::state
