// ChannelState and ChannelRemove from clients (MUMBLE_PROTOCOL.md §2.7, §2.8): the rules in
// state/channel_rules decide, this file applies, announces and persists.
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/state_messages.hpp"
#include "server/state/channel_rules.hpp"

namespace plenum::server::control {

namespace {

state::ChannelStateRequest to_request(const MumbleProto::ChannelState& m) {
  state::ChannelStateRequest request;
  if (m.has_channel_id()) request.channel = m.channel_id();
  if (m.has_parent()) request.parent = m.parent();
  if (m.has_name()) request.name = m.name();
  if (m.has_description()) request.description = m.description();
  if (m.has_position()) request.position = m.position();
  if (m.has_max_users()) request.max_users = m.max_users();
  request.temporary = m.temporary();
  request.links_add.assign(m.links_add().begin(), m.links_add().end());
  request.links_remove.assign(m.links_remove().begin(), m.links_remove().end());
  return request;
}

void announce_channel(ControlPlane& plane, state::ChannelId id, const MumbleProto::ChannelState& request) {
  const state::Channel* channel = plane.state().channels().find(id);
  // Versions differ only in whether the description goes as a hash: two encodings at most.
  std::optional<protocol::Bytes> frames[2];
  for (Session* receiver : plane.authenticated_sessions()) {
    auto& frame = frames[sends_blobs_as_hash(receiver->client_version) ? 1 : 0];
    if (!frame) {
      auto message = channel_state(*channel, receiver->client_version);
      for (const auto added : request.links_add()) message.add_links_add(added);
      for (const auto removed : request.links_remove()) message.add_links_remove(removed);
      frame = protocol::encode_frame(message);
    }
    receiver->deliver(*frame);
  }
}

}  // namespace

void handle_channel_state(ControlPlane& plane, Session& session, const MumbleProto::ChannelState& message) {
  auto& state = plane.state();
  auto request = to_request(message);
  const bool creating = !request.channel;
  // Creation is a rate-limited message (§8.4).
  if (creating && !session.allow_rate_limited()) return;
  if (request.description) {
    const auto check = state::check_text(*request.description, state.rules().text);
    if (!check.allowed) {
      send_denial(session, state::Denial{state::DenyType::TextTooLong, {}, std::nullopt, std::nullopt});
      return;
    }
    if (check.replacement) request.description = *check.replacement;
  }
  const auto verdict = state::check_channel_state(state, session.id(), request);
  if (verdict.denied()) {
    send_denial(session, verdict.denial());
    return;
  }
  if (!verdict.allowed()) return;
  auto applied = state::apply_channel_state(state, session.id(), request);
  if (!applied) return;
  const state::ChannelId id = *applied;
  plane.publish_routing();  // links and new channels change who hears whom
  // Stored first: the announcement (the creator's confirmation) waits for this write.
  plane.persistence().save_channel(state, id);
  announce_channel(plane, id, message);
  plane.logger().info("session {}: channel {} {}", session.id(), id, creating ? "created" : "changed");
  // The maker of a temporary channel goes into it, or it would vanish at once (Murmur does this).
  if (creating && request.temporary) plane.move_user(session.id(), id, std::nullopt);
}

void handle_channel_remove(ControlPlane& plane, Session& session, const MumbleProto::ChannelRemove& message) {
  auto& state = plane.state();
  const auto verdict = state::check_channel_remove(state, session.id(), message.channel_id());
  if (verdict.denied()) {
    send_denial(session, verdict.denial());
    return;
  }
  if (!verdict.allowed()) return;
  auto removal = state.remove_channel(message.channel_id());
  if (!removal) return;
  plane.publish_routing();
  // Stored first: the announcements below wait for this write.
  plane.accounts().forget_listened(removal->removed);  // the store's rows go by cascade
  plane.persistence().remove_channels(removal->removed);
  for (const auto& entry : removal->relocated) {
    MumbleProto::UserState moved;
    moved.set_session(entry.session);
    moved.set_channel_id(entry.to);
    if (entry.suppress) moved.set_suppress(*entry.suppress);
    plane.broadcast_message(moved);
  }
  for (const auto& [listener, channel] : removal->listeners_dropped) {
    MumbleProto::UserState dropped;
    dropped.set_session(listener);
    dropped.add_listening_channel_remove(channel);
    plane.broadcast_message(dropped);
  }
  for (const auto id : removal->removed) {
    MumbleProto::ChannelRemove gone;
    gone.set_channel_id(id);
    plane.broadcast_message(gone);
  }
  plane.logger().info("session {}: channel {} removed", session.id(), message.channel_id());
}

}  // namespace plenum::server::control
