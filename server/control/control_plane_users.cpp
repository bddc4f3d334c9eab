// ControlPlane: the user lifecycle (join, move, leave, kick, ghost) and bans.
#include "server/control/control_plane.hpp"
#include "server/control/peer_address.hpp"
#include "server/control/state_messages.hpp"


#include <ctime>

namespace plenum::server::control {

void ControlPlane::on_user_joined(Session& session) {
  const auto* user = state_.users().find(session.id());
  logger_.info("session {}: authenticated as {}{}", session.id(), logger_.name(user->name),
               user->user_id ? " (registered)" : "");
  start_voice_session(session);
  publish_routing();
  flush_routing();
  suggest_channel_config(session, user->channel);
}

void ControlPlane::remove_user(Session& session, const Removal& removal) {
  const state::SessionId id = session.id();
  auto departure = state_.disconnect(id);
  session.set_phase(SessionPhase::Closing);
  if (!departure) return;
  end_voice_session(id);
  publish_routing();
  // Registered users come back to where they left (rememberchannel).
  if (departure->user.user_id) {
    if (auto* account = accounts_.find_mutable(*departure->user.user_id)) {
      account->last_channel = departure->user.channel;
      persistence_.save_account(*account);
    }
  }
  MumbleProto::UserRemove message;
  message.set_session(id);
  if (removal.actor) message.set_actor(*removal.actor);
  if (!removal.reason.empty()) message.set_reason(removal.reason);
  if (removal.ban) message.set_ban(true);
  const auto frame = protocol::encode_frame(message);
  broadcast(frame);
  if (removal.actor) session.deliver(frame);  // the kicked user learns why
  if (departure->emptied_temporary) {
    if (auto removed = state_.remove_channel(*departure->emptied_temporary)) {
      for (const auto channel : removed->removed) {
        MumbleProto::ChannelRemove gone;
        gone.set_channel_id(channel);
        broadcast_message(gone);
      }
    }
  }
  logger_.info("session {}: left", id);
}

void ControlPlane::kick_ghost(std::uint32_t ghost) {
  Session* old = find_session(ghost);
  if (!old) return;
  remove_user(*old, Removal{std::nullopt, "You connected to the server from another device", false});
  old->finish("replaced by a new connection");
}

void ControlPlane::announce_suppression_changes() {
  publish_routing();
  for (const auto& [id, suppressed] : state_.refresh_suppression()) {
    MumbleProto::UserState message;
    message.set_session(id);
    message.set_suppress(suppressed);
    broadcast_message(message);
  }
}

void ControlPlane::move_user(state::SessionId session, state::ChannelId channel,
                             std::optional<state::SessionId> actor) {
  auto entry = state_.enter_channel(session, channel);
  if (!entry || entry->from == entry->to) return;
  publish_routing();
  MumbleProto::UserState message;
  message.set_session(session);
  if (actor) message.set_actor(*actor);
  message.set_channel_id(channel);
  if (entry->suppress) message.set_suppress(*entry->suppress);
  if (entry->priority_speaker_cleared) message.set_priority_speaker(false);
  broadcast_message(message);
  // The mover's client needs its permissions in the new channel (§2.20).
  if (Session* moved = find_session(session)) {
    MumbleProto::PermissionQuery query;
    query.set_channel_id(channel);
    query.set_permissions(state_.permission_query_value(session, channel));
    moved->send(query);
    suggest_channel_config(*moved, channel);
  }
  if (entry->emptied_temporary) {
    if (auto removed = state_.remove_channel(*entry->emptied_temporary)) {
      for (const auto gone_id : removed->removed) {
        MumbleProto::ChannelRemove gone;
        gone.set_channel_id(gone_id);
        broadcast_message(gone);
      }
    }
  }
}

std::vector<Session*> ControlPlane::authenticated_sessions() {
  std::vector<Session*> result;
  result.reserve(sessions_.size());
  for (auto& [id, session] : sessions_) {
    if (session->authenticated()) result.push_back(session.get());
  }
  return result;
}

std::string ControlPlane::remote_address_of(std::uint32_t session) const {
  auto it = sessions_.find(session);
  return it == sessions_.end() ? std::string{} : it->second->remote_address;
}

bool ControlPlane::is_banned(const Session& session) const {
  const std::int64_t now = std::time(nullptr);
  const auto address = mapped_address(session.remote_address);
  for (const auto& ban : bans_) {
    if (ban.duration != 0 && now >= ban.start + ban.duration) continue;
    if (!ban.cert_hash.empty() && ban.cert_hash == session.cert_hash) return true;
    if (ban.address && address && same_prefix(ban.address->bytes, *address, ban.address->mask_bits)) return true;
  }
  return false;
}

}  // namespace plenum::server::control

namespace plenum::server::control {

void ControlPlane::unregister(const std::vector<state::UserId>& ids) {
  std::size_t removed = 0;
  for (const auto id : ids) {
    if (id == state::kSuperUserId || !accounts_.remove(id)) continue;
    ++removed;
    persistence_.remove_account(id);
    state_.channels().forget_user(id);
    if (const auto* online = state_.users().find_by_user_id(id)) {
      const state::SessionId session = online->session;
      state_.set_user_id(session, std::nullopt);
      MumbleProto::UserState message;
      message.set_session(session);
      // Clients read user_id as a signed int: all ones means "not registered" (Murmur sends -1).
      message.set_user_id(static_cast<std::uint32_t>(-1));
      broadcast_message(message);
    }
  }
  if (removed == 0) return;
  // The channels' ACLs and groups lost those ids: written once for the whole list.
  for (const auto channel : state_.channels().breadth_first()) persistence_.save_channel(state_, channel);
  publish_routing();
  logger_.info("{} account{} unregistered", removed, removed == 1 ? "" : "s");
}

void ControlPlane::on_context_action(Session& /*session*/, const MumbleProto::ContextAction& /*action*/) {
  // No context actions are registered yet; Murmur ignores actions it does not know.
}

}  // namespace plenum::server::control
