// UserState from clients (MUMBLE_PROTOCOL.md §2.10): self mute/deaf, moderation, moves,
// comments and textures, registration, listeners. state/user_rules decides; this file applies
// the change and broadcasts the normalised message to everyone, the sender included.
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/state_messages.hpp"
#include "server/state/user_rules.hpp"

#include <map>

namespace plenum::server::control {

namespace {

state::UserStateRequest to_request(const MumbleProto::UserState& m) {
  state::UserStateRequest request;
  if (m.has_channel_id()) request.channel = m.channel_id();
  if (m.has_mute()) request.flags.mute = m.mute();
  if (m.has_deaf()) request.flags.deaf = m.deaf();
  if (m.has_suppress()) request.flags.suppress = m.suppress();
  if (m.has_self_mute()) request.flags.self_mute = m.self_mute();
  if (m.has_self_deaf()) request.flags.self_deaf = m.self_deaf();
  if (m.has_priority_speaker()) request.flags.priority_speaker = m.priority_speaker();
  if (m.has_recording()) request.flags.recording = m.recording();
  if (m.has_comment()) request.comment = m.comment();
  if (m.has_texture()) request.texture_size = m.texture().size();
  request.sets_name = m.has_name();
  request.registers = m.has_user_id();
  request.plugin_data = m.has_plugin_context() || m.has_plugin_identity();
  request.changes_listening = m.listening_channel_add_size() > 0 || m.listening_channel_remove_size() > 0;
  request.changes_listener_volume = m.listening_volume_adjustment_size() > 0;
  return request;
}

// A message that sets listener volumes and nothing else goes back to its sender alone.
bool only_listener_volumes(const MumbleProto::UserState& m) {
  if (m.listening_volume_adjustment_size() == 0) return false;
  MumbleProto::UserState rest = m;
  rest.clear_session();
  rest.clear_actor();
  rest.clear_listening_volume_adjustment();
  return rest.ByteSizeLong() == 0;
}

void set_flags(MumbleProto::UserState& out, const state::UserFlagsChange& flags) {
  if (flags.mute) out.set_mute(*flags.mute);
  if (flags.deaf) out.set_deaf(*flags.deaf);
  if (flags.suppress) out.set_suppress(*flags.suppress);
  if (flags.self_mute) out.set_self_mute(*flags.self_mute);
  if (flags.self_deaf) out.set_self_deaf(*flags.self_deaf);
  if (flags.priority_speaker) out.set_priority_speaker(*flags.priority_speaker);
  if (flags.recording) out.set_recording(*flags.recording);
}

// A registered user's listeners of permanent channels come back at its next login, with their
// volumes: the account mirrors `user` for `channel` and the store follows (Murmur's
// addChannelListener, setChannelListenerVolume and disableChannelListener).
void remember_listener(ControlPlane& plane, const state::ConnectedUser& user,
                       state::ChannelId channel) {
  state::Account* account = user.user_id ? plane.accounts().find_mutable(*user.user_id) : nullptr;
  if (!account) return;
  if (!user.listening.contains(channel)) {
    if (account->listening.erase(channel)) {
      plane.persistence().remove_listener(account->id, channel);
    }
    return;
  }
  const state::Channel* listened = plane.state().channels().find(channel);
  if (!listened || listened->temporary) return;
  const float volume = user.listening.volume(channel);
  if (!account->listening.insert(channel, volume)) account->listening.set_volume(channel, volume);
  plane.persistence().save_listener(account->id, channel, volume);
}

bool registers(ControlPlane& plane, state::ConnectedUser& user) {
  auto id = plane.accounts().add(user.name, user.cert_hash);
  if (!id) return false;
  plane.state().set_user_id(user.session, *id);
  plane.persistence().save_account(*plane.accounts().find(*id));
  for (const auto& [channel, volume] : user.listening) remember_listener(plane, user, channel);
  return true;
}

// listening_volume_adjustment (1.5+) for the sender itself. Murmur applies these after the
// listener adds and before the removes, so one message may add a channel and set its volume;
// the caller keeps that order. A channel the user does not listen to is skipped (Murmur logs
// it); a bad factor is refused and the current one is echoed so the client's slider shows what
// applies. `echo` collects what the sender is told, by channel.
void apply_listener_volumes(ControlPlane& plane, state::ConnectedUser& user,
                            const MumbleProto::UserState& m,
                            std::map<state::ChannelId, float>& echo) {
  for (const auto& adjustment : m.listening_volume_adjustment()) {
    const state::ChannelId channel = adjustment.listening_channel();
    // Absent means no factor at all; 0 would be read as 1.0 on the voice wire.
    const float factor = adjustment.has_volume_adjustment() ? adjustment.volume_adjustment() : 0.0F;
    if (!adjustment.has_listening_channel() || !user.listening.contains(channel)) {
      plane.logger().debug("session {}: listener volume for channel {} ignored: not listening",
                           user.session, channel);
      continue;
    }
    if (!user.listening.set_volume(channel, factor)) {
      plane.logger().debug("session {}: listener volume {} for channel {} refused", user.session,
                           factor, channel);
    } else {
      remember_listener(plane, user, channel);
    }
    echo[channel] = user.listening.volume(channel);
  }
}

// The sender's own listening_channel_add, listening_volume_adjustment and
// listening_channel_remove, in Murmur's order. `out` gets the channel changes everyone learns;
// the result holds the volumes only the sender is told. A new listener starts at 1.0, said
// explicitly: Mumble's client keeps the volume of a channel it stopped listening to, the
// server does not.
std::map<state::ChannelId, float> apply_listening(ControlPlane& plane, state::ConnectedUser& user,
                                                  const MumbleProto::UserState& message,
                                                  MumbleProto::UserState& out) {
  auto& state = plane.state();
  std::map<state::ChannelId, float> volumes;
  for (const auto channel : message.listening_channel_add()) {
    if (!state.channels().contains(channel) ||
        !state::check_listen(state, user.session, channel).allowed()) {
      continue;
    }
    out.add_listening_channel_add(channel);
    if (user.listening.insert(channel)) {
      volumes[channel] = 1.0F;
      remember_listener(plane, user, channel);
    }
  }
  apply_listener_volumes(plane, user, message, volumes);
  for (const auto channel : message.listening_channel_remove()) {
    if (!user.listening.erase(channel)) continue;
    out.add_listening_channel_remove(channel);
    volumes.erase(channel);
    remember_listener(plane, user, channel);
  }
  return volumes;
}

}  // namespace

void handle_user_state(ControlPlane& plane, Session& session, const MumbleProto::UserState& message) {
  auto& state = plane.state();
  const state::SessionId actor = session.id();
  const state::SessionId target = message.has_session() ? message.session() : actor;
  state::ConnectedUser* user = state.users().find(target);
  if (!user) return;
  auto request = to_request(message);
  if (target == actor && !session.allow_rate_limited()) return;
  if (request.comment) {
    const auto check = state::check_text(*request.comment, state.rules().text);
    if (!check.allowed) {
      send_denial(session, state::Denial{state::DenyType::TextTooLong, {}, std::nullopt, std::nullopt});
      return;
    }
    if (check.replacement) request.comment = *check.replacement;
  }
  const auto verdict = state::check_user_state(state, actor, target, request);
  if (verdict.denied()) {
    auto denied = permission_denied(verdict.denial());
    if (verdict.denial().type == state::DenyType::UserName) denied.set_name(message.name());
    session.send(denied);
    return;
  }
  if (verdict.ignored()) return;
  if (request.channel) {
    const auto move = state::check_move(state, actor, target, *request.channel);
    if (move.denied()) {
      send_denial(session, move.denial());
      return;
    }
    if (!move.allowed()) request.channel.reset();
  }

  MumbleProto::UserState out;
  out.set_session(target);
  out.set_actor(actor);
  const auto flags = state::normalised(request.flags);
  state::apply(*user, flags);
  set_flags(out, flags);
  if (request.comment) {
    user->comment = *request.comment;
    if (user->user_id) {
      if (auto* account = plane.accounts().find_mutable(*user->user_id)) {
        account->comment = user->comment;
        plane.persistence().save_account(*account);
      }
    }
  }
  if (message.has_texture()) {
    const auto& bytes = message.texture();
    user->texture.assign(reinterpret_cast<const std::byte*>(bytes.data()),
                         reinterpret_cast<const std::byte*>(bytes.data()) + bytes.size());
  }
  if (request.registers && !user->user_id) {
    if (registers(plane, *user)) out.set_user_id(*user->user_id);
  }
  const auto volumes = target == actor ? apply_listening(plane, *user, message, out)
                                       : std::map<state::ChannelId, float>{};
  // Volumes go to the user alone, as with Murmur's default broadcastlistenervolumeadjustments =
  // false (msgUserState sends the full message to the source and strips them for the rest, who
  // get nothing when the volumes were the only change).
  const bool sender_only = only_listener_volumes(message);

  // Comments and textures go out inline or as a hash, depending on each receiver's version.
  // Each variant (the sender's own, hashed or inline) is encoded once, not once per receiver.
  const auto variant = [&](bool own, bool hashed) {
    MumbleProto::UserState copy = out;
    if (own) {
      for (const auto& [channel, volume] : volumes) {
        auto* adjustment = copy.add_listening_volume_adjustment();
        adjustment->set_listening_channel(channel);
        adjustment->set_volume_adjustment(volume);
      }
    }
    if (request.comment) {
      if (hashed && user->comment.size() >= kInlineBlobLimit) {
        copy.set_comment_hash(sha1_bytes(user->comment));
      } else {
        copy.set_comment(user->comment);
      }
    }
    if (message.has_texture()) {
      const std::string_view texture = message.texture();
      if (hashed && texture.size() >= kInlineBlobLimit) {
        copy.set_texture_hash(sha1_bytes(texture));
      } else {
        copy.set_texture(std::string{texture});
      }
    }
    return protocol::encode_frame(copy);
  };
  std::map<std::pair<bool, bool>, protocol::Bytes> frames;
  for (Session* receiver : plane.authenticated_sessions()) {
    const bool own = receiver == &session;
    if (sender_only && !own) continue;
    const bool hashed = sends_blobs_as_hash(receiver->client_version);
    auto [frame, added] = frames.try_emplace({own, hashed});
    if (added) frame->second = variant(own, hashed);
    receiver->deliver(frame->second);
  }
  // Flags, listeners and registration decide who hears whom; a comment or texture does not.
  if (flags != state::UserFlagsChange{} || request.registers || request.changes_listening ||
      request.changes_listener_volume)
    plane.publish_routing();
  if (request.channel) plane.move_user(target, *request.channel, actor);
}

}  // namespace plenum::server::control
