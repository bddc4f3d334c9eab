#include "server/state/user_rules.hpp"

#include "server/state/text_limits.hpp"

#include <deque>

namespace plenum::server::state {

namespace {

bool is_super_user(const ConnectedUser& user) { return user.user_id == kSuperUserId; }

std::optional<Verdict> check_speech_flags(const ServerState& state, SessionId actor,
                                          const ConnectedUser& target,
                                          const UserFlagsChange& flags) {
  const bool moderation = flags.mute || flags.deaf || flags.suppress || flags.priority_speaker;
  if (!moderation) return std::nullopt;
  if (is_super_user(target)) return Verdict::deny(DenyType::SuperUser);
  if (!state.has_permission(actor, target.channel, Permission::MuteDeafen) ||
      flags.suppress == true) {
    return Verdict::missing(Permission::MuteDeafen, target.channel, actor);
  }
  if (!flags.mute && !flags.deaf && !flags.suppress) return std::nullopt;
  // In a temporary channel (whose creator may hold Write there) MuteDeafen must also come from
  // the first permanent channel above it.
  const ChannelTree& tree = state.channels();
  const Channel* permanent = tree.find(target.channel);
  if (permanent == nullptr || !permanent->temporary) return std::nullopt;
  while (permanent != nullptr && permanent->temporary) {
    permanent = permanent->parent ? tree.find(*permanent->parent) : nullptr;
  }
  if (permanent == nullptr ||
      !state.has_permission(actor, permanent->id, Permission::MuteDeafen)) {
    return Verdict::deny(DenyType::TemporaryChannel);
  }
  return std::nullopt;
}

std::optional<Verdict> check_content(const ServerState& state, SessionId actor,
                                     const ConnectedUser& target,
                                     const UserStateRequest& request) {
  const bool for_other = actor != target.session;
  const auto reset_denied = [&]() -> std::optional<Verdict> {
    if (for_other && !state.has_permission(actor, kRootChannel, Permission::ResetUserContent)) {
      return Verdict::missing(Permission::ResetUserContent, kRootChannel, actor);
    }
    return std::nullopt;
  };
  if (request.comment) {
    if (auto denied = reset_denied()) return denied;
    if (for_other && !request.comment->empty()) return Verdict::deny(DenyType::TextTooLong);
    if (!check_text(*request.comment, state.rules().text).allowed) {
      return Verdict::deny(DenyType::TextTooLong);
    }
  }
  if (request.texture_size) {
    const std::uint32_t limit = state.rules().text.image_message_length;
    if (limit != 0 && *request.texture_size > limit) return Verdict::deny(DenyType::TextTooLong);
    if (auto denied = reset_denied()) return denied;
    if (for_other && *request.texture_size > 0) return Verdict::deny(DenyType::TextTooLong);
  }
  return std::nullopt;
}

std::optional<Verdict> check_registration(const ServerState& state, SessionId actor,
                                          const ConnectedUser& target) {
  const Permission needed =
      actor == target.session ? Permission::SelfRegister : Permission::Register;
  if (target.user_id || !state.has_permission(actor, kRootChannel, needed)) {
    return Verdict::missing(needed, kRootChannel, actor);
  }
  if (target.cert_hash.empty()) return Verdict::deny(DenyType::MissingCertificate, target.session);
  return std::nullopt;
}

void add_channel_audience(const ServerState& state, ChannelId channel, std::set<SessionId>& out) {
  for (const auto& [session, user] : state.users().users()) {
    if (user.channel == channel || user.listening.contains(channel)) out.insert(session);
  }
}

// Members and listeners of the named channels and trees; a refusal ends the whole message.
std::optional<Verdict> add_channel_targets(const ServerState& state, SessionId actor,
                                           const TextTargets& targets, std::set<SessionId>& out) {
  const ChannelTree& tree = state.channels();
  std::deque<ChannelId> tree_queue;
  for (const auto* list : {&targets.channels, &targets.trees}) {
    for (const ChannelId channel : *list) {
      if (!tree.contains(channel)) return Verdict::ignore();
      if (!state.has_permission(actor, channel, Permission::TextMessage)) {
        return Verdict::missing(Permission::TextMessage, channel, actor);
      }
      if (list == &targets.channels) {
        add_channel_audience(state, channel, out);
      } else {
        tree_queue.push_back(channel);
      }
    }
  }
  // Sub-channels where the sender may not write are skipped with everything below them.
  while (!tree_queue.empty()) {
    const ChannelId channel = tree_queue.front();
    tree_queue.pop_front();
    if (!state.has_permission(actor, channel, Permission::TextMessage)) continue;
    const auto& children = tree.find(channel)->children;
    tree_queue.insert(tree_queue.end(), children.begin(), children.end());
    add_channel_audience(state, channel, out);
  }
  return std::nullopt;
}

constexpr std::string_view kHal = "Open the pod bay doors, HAL.";

}  // namespace

Verdict check_user_state(const ServerState& state, SessionId actor, SessionId target,
                         const UserStateRequest& request) {
  const ConnectedUser* source = state.users().find(actor);
  const ConnectedUser* victim = state.users().find(target);
  if (source == nullptr || victim == nullptr) return Verdict::ignore();
  if (is_super_user(*victim) && !is_super_user(*source)) return Verdict::deny(DenyType::SuperUser);
  if (request.sets_name) return Verdict::deny(DenyType::UserName);
  if (request.channel) {
    const Verdict move = check_move(state, actor, target, *request.channel);
    if (!move.allowed()) return move;
  }
  if (auto verdict = check_speech_flags(state, actor, *victim, request.flags)) return *verdict;
  if (auto verdict = check_content(state, actor, *victim, request)) return *verdict;
  if (request.registers) {
    if (auto verdict = check_registration(state, actor, *victim)) return *verdict;
  }
  const UserFlagsChange& flags = request.flags;
  const bool self_only = flags.self_mute || flags.self_deaf || flags.recording ||
                         request.plugin_data || request.changes_listening ||
                         request.changes_listener_volume;
  if (actor != target && self_only) return Verdict::ignore();
  return Verdict::allow();
}

Verdict check_move(const ServerState& state, SessionId actor, SessionId target,
                   ChannelId destination) {
  const ConnectedUser* victim = state.users().find(target);
  if (victim == nullptr || state.users().find(actor) == nullptr ||
      !state.channels().contains(destination) || victim->channel == destination) {
    return Verdict::ignore();
  }
  if (actor != target && !state.has_permission(actor, victim->channel, Permission::Move)) {
    return Verdict::missing(Permission::Move, victim->channel, actor);
  }
  if (!state.has_permission(actor, destination, Permission::Move) &&
      !state.has_permission(target, destination, Permission::Enter)) {
    return Verdict::missing(Permission::Enter, destination, target);
  }
  if (state.is_channel_full(destination, actor)) return Verdict::deny(DenyType::ChannelFull);
  return Verdict::allow();
}

Verdict check_listen(const ServerState& state, SessionId target, ChannelId channel) {
  if (state.users().find(target) == nullptr || !state.channels().contains(channel)) {
    return Verdict::ignore();
  }
  if (!state.has_permission(target, channel, Permission::Listen)) {
    return Verdict::missing(Permission::Listen, channel, target);
  }
  return Verdict::allow();
}

Verdict check_kick(const ServerState& state, SessionId actor, SessionId target, bool ban) {
  const ConnectedUser* victim = state.users().find(target);
  if (victim == nullptr || state.users().find(actor) == nullptr) return Verdict::ignore();
  const Permissions needed =
      ban ? Permissions{Permission::Ban} : Permission::Kick | Permission::Ban;
  if (is_super_user(*victim) || !state.has_permission(actor, kRootChannel, needed)) {
    return Verdict::missing(needed, kRootChannel, actor);
  }
  return Verdict::allow();
}

TextDelivery route_text_message(const ServerState& state, SessionId actor, std::string_view text,
                                const TextTargets& targets) {
  TextDelivery delivery;
  if (state.users().find(actor) == nullptr) return delivery;
  TextCheck check = check_text(text, state.rules().text);
  if (!check.allowed) {
    delivery.verdict = Verdict::deny(DenyType::TextTooLong);
    return delivery;
  }
  if ((check.replacement ? std::string_view{*check.replacement} : text).empty()) return delivery;
  if (targets.channels.size() == 1 && targets.channels[0] == kRootChannel && text == kHal) {
    delivery.verdict = Verdict::deny(DenyType::H9K);
    return delivery;
  }
  if (auto refused = add_channel_targets(state, actor, targets, delivery.recipients)) {
    delivery.verdict = *refused;
    return delivery;
  }
  for (const SessionId session : targets.sessions) {
    const ConnectedUser* user = state.users().find(session);
    if (user == nullptr) continue;
    if (!state.has_permission(actor, user->channel, Permission::TextMessage)) {
      delivery.verdict = Verdict::missing(Permission::TextMessage, user->channel, actor);
      return delivery;
    }
    delivery.recipients.insert(session);
  }
  delivery.recipients.erase(actor);
  delivery.replacement = std::move(check.replacement);
  delivery.verdict = Verdict::allow();
  return delivery;
}

}  // namespace plenum::server::state
