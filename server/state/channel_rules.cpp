#include "server/state/channel_rules.hpp"

#include "server/state/state_error.hpp"
#include "server/state/text_limits.hpp"

namespace plenum::server::state {

namespace {

bool has_sibling_named(const ChannelTree& tree, ChannelId parent, std::string_view name) {
  return tree.find_child(parent, name) != nullptr;
}

// Checks that do not depend on whether the channel exists yet (Murmur's order).
std::optional<Verdict> check_text_and_place(const ServerState& state,
                                            const ChannelStateRequest& request) {
  const ChannelTree& tree = state.channels();
  if (request.description && !check_text(*request.description, state.rules().text).allowed) {
    return Verdict::deny(DenyType::TextTooLong);
  }
  if (request.name) {
    if (!valid_channel_name(*request.name, state.channel_names())) {
      return Verdict::deny(DenyType::ChannelName);
    }
    std::optional<ChannelId> siblings_of = request.parent;
    if (!siblings_of && request.channel && *request.channel != kRootChannel) {
      siblings_of = tree.find(*request.channel)->parent;
    }
    if (siblings_of && has_sibling_named(tree, *siblings_of, *request.name)) {
      return Verdict::deny(DenyType::ChannelName);
    }
  }
  if (request.parent &&
      !tree.can_nest(*request.parent, request.channel, state.rules().nesting_limit)) {
    return Verdict::deny(DenyType::NestingLimit);
  }
  return std::nullopt;
}

Verdict check_create(const ServerState& state, SessionId actor,
                     const ChannelStateRequest& request) {
  if (!request.parent || !request.name) return Verdict::ignore();
  const std::uint32_t limit = state.rules().channel_count_limit;
  if (limit != 0 && state.channels().size() >= limit) {
    return Verdict::deny(DenyType::ChannelCountLimit);
  }
  const Permission make = request.temporary ? Permission::MakeTempChannel : Permission::MakeChannel;
  if (!state.has_permission(actor, *request.parent, make)) {
    return Verdict::missing(make, *request.parent, actor);
  }
  const ConnectedUser& user = *state.users().find(actor);
  if (!user.user_id && user.cert_hash.empty()) {
    return Verdict::deny(DenyType::MissingCertificate, actor);
  }
  if (state.channels().find(*request.parent)->temporary) {
    return Verdict::deny(DenyType::TemporaryChannel);
  }
  return Verdict::allow();
}

std::optional<Verdict> check_move(const ServerState& state, SessionId actor,
                                  const Channel& channel, ChannelId new_parent,
                                  const std::optional<std::string>& new_name) {
  const ChannelTree& tree = state.channels();
  if (channel.parent == new_parent || tree.is_in_subtree(channel.id, new_parent)) {
    return Verdict::ignore();
  }
  if (tree.find(new_parent)->temporary) return Verdict::deny(DenyType::TemporaryChannel);
  if (!state.has_permission(actor, channel.id, Permission::Write)) {
    return Verdict::missing(Permission::Write, channel.id, actor);
  }
  const Permission make = channel.temporary ? Permission::MakeTempChannel : Permission::MakeChannel;
  if (!state.has_permission(actor, new_parent, make)) {
    return Verdict::missing(make, new_parent, actor);
  }
  if (has_sibling_named(tree, new_parent, new_name ? *new_name : channel.name)) {
    return Verdict::deny(DenyType::ChannelName);
  }
  return std::nullopt;
}

std::optional<Verdict> check_links(const ServerState& state, SessionId actor,
                                   const Channel& channel, const ChannelStateRequest& request) {
  if (request.links_add.empty() && request.links_remove.empty()) return std::nullopt;
  if (!state.has_permission(actor, channel.id, Permission::LinkChannel)) {
    return Verdict::missing(Permission::LinkChannel, channel.id, actor);
  }
  for (const ChannelId other : request.links_remove) {
    if (!state.channels().contains(other)) return Verdict::ignore();
  }
  for (const ChannelId other : request.links_add) {
    if (!state.channels().contains(other)) return Verdict::ignore();
    if (!state.has_permission(actor, other, Permission::LinkChannel)) {
      return Verdict::missing(Permission::LinkChannel, other, actor);
    }
  }
  return std::nullopt;
}

Verdict check_edit(const ServerState& state, SessionId actor, const Channel& channel,
                   const ChannelStateRequest& request) {
  const bool may_write = state.has_permission(actor, channel.id, Permission::Write);
  const Verdict no_write = Verdict::missing(Permission::Write, channel.id, actor);
  if (request.name && (!may_write || channel.id == kRootChannel)) return no_write;
  if ((request.description || request.position) && !may_write) return no_write;
  if (request.parent) {
    if (auto verdict = check_move(state, actor, channel, *request.parent, request.name)) {
      return *verdict;
    }
  }
  if (auto verdict = check_links(state, actor, channel, request)) return *verdict;
  if (request.max_users && !may_write) return no_write;
  return Verdict::allow();
}

}  // namespace

Verdict check_channel_state(const ServerState& state, SessionId actor,
                            const ChannelStateRequest& request) {
  const ChannelTree& tree = state.channels();
  if (state.users().find(actor) == nullptr) return Verdict::ignore();
  if (request.channel && !tree.contains(*request.channel)) return Verdict::ignore();
  if (request.parent && !tree.contains(*request.parent)) return Verdict::ignore();
  if (auto verdict = check_text_and_place(state, request)) return *verdict;
  if (!request.channel) return check_create(state, actor, request);
  return check_edit(state, actor, *tree.find(*request.channel), request);
}

Result<ChannelId> apply_channel_state(ServerState& state, SessionId actor,
                                      const ChannelStateRequest& request) {
  if (!request.channel) {
    if (!request.parent || !request.name) return StateError::UnknownParent;
    NewChannel spec;
    spec.name = *request.name;
    spec.description = request.description.value_or("");
    spec.position = request.position.value_or(0);
    spec.max_users = request.max_users.value_or(0);
    spec.temporary = request.temporary;
    return state.create_channel(actor, *request.parent, std::move(spec));
  }
  const ChannelId id = *request.channel;
  ChannelTree& tree = state.channels();
  if (!tree.contains(id)) return StateError::UnknownChannel;
  if (request.parent) {
    if (auto moved = tree.move(id, *request.parent); !moved) return moved.error();
  }
  if (request.name) (void)tree.rename(id, *request.name);
  if (request.description) (void)tree.set_description(id, *request.description);
  if (request.position) (void)tree.set_position(id, *request.position);
  for (const ChannelId other : request.links_add) {
    if (other != id) (void)tree.link(id, other);
  }
  for (const ChannelId other : request.links_remove) (void)tree.unlink(id, other);
  if (request.max_users) (void)tree.set_max_users(id, *request.max_users);
  return id;
}

Verdict check_channel_remove(const ServerState& state, SessionId actor, ChannelId channel) {
  if (state.users().find(actor) == nullptr || !state.channels().contains(channel)) {
    return Verdict::ignore();
  }
  if (channel == kRootChannel || !state.has_permission(actor, channel, Permission::Write)) {
    return Verdict::missing(Permission::Write, channel, actor);
  }
  return Verdict::allow();
}

Verdict check_acl_access(const ServerState& state, SessionId actor, ChannelId channel) {
  if (state.users().find(actor) == nullptr || !state.channels().contains(channel)) {
    return Verdict::ignore();
  }
  if (!state.has_permission(actor, channel, Permission::Write) &&
      !state.has_permission(actor, kRootChannel, Permission::Write)) {
    return Verdict::missing(Permission::Write, channel, actor);
  }
  return Verdict::allow();
}

}  // namespace plenum::server::state
