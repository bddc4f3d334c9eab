// UserState from clients (MUMBLE_PROTOCOL.md §2.10): self mute/deaf, moderation, moves,
// comments and textures, registration, listeners. state/user_rules decides; this file applies
// the change and broadcasts the normalised message to everyone, the sender included.
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/state_messages.hpp"
#include "server/state/user_rules.hpp"

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
  return request;
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

bool registers(ControlPlane& plane, state::ConnectedUser& user) {
  auto id = plane.accounts().add(user.name, user.cert_hash);
  if (!id) return false;
  plane.state().set_user_id(user.session, *id);
  plane.persistence().save_account(*plane.accounts().find(*id));
  return true;
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
  for (const auto channel : message.listening_channel_add()) {
    if (target == actor && state.channels().contains(channel) && state::check_listen(state, target, channel).allowed()) {
      user->listening.insert(channel);
      out.add_listening_channel_add(channel);
    }
  }
  for (const auto channel : message.listening_channel_remove()) {
    if (target == actor && user->listening.erase(channel) > 0) out.add_listening_channel_remove(channel);
  }

  // Comments and textures go out inline or as a hash, depending on each receiver's version.
  for (Session* receiver : plane.authenticated_sessions()) {
    MumbleProto::UserState copy = out;
    if (request.comment) {
      if (sends_blobs_as_hash(receiver->client_version) && user->comment.size() >= kInlineBlobLimit) {
        copy.set_comment_hash(sha1_bytes(user->comment));
      } else {
        copy.set_comment(user->comment);
      }
    }
    if (message.has_texture()) {
      const std::string_view texture = message.texture();
      if (sends_blobs_as_hash(receiver->client_version) && texture.size() >= kInlineBlobLimit) {
        copy.set_texture_hash(sha1_bytes(texture));
      } else {
        copy.set_texture(std::string{texture});
      }
    }
    receiver->send(copy);
  }
  if (request.channel) plane.move_user(target, *request.channel, actor);
}

}  // namespace plenum::server::control
