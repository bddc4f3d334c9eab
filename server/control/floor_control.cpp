#include "server/control/floor_control.hpp"

#include "protocol/html_escape.hpp"

#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/plenary_timer.hpp"
#include "server/state/command_line.hpp"
#include "server/state/plenary_rules.hpp"

#include <fmt/core.h>
#include <google/protobuf/unknown_field_set.h>

#include "PlenumFloor.pb.h"

namespace plenum::server::control {

namespace {

// ChannelState's extension field for PlenumFloor (PlenumFloor.proto, Mumble.proto).
constexpr int kPlenumFloorField = 1100;

std::string queue_text(ControlPlane& plane, const std::vector<state::QueueEntry>& queue, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < queue.size() && i < limit; ++i) {
    const auto& entry = queue[i];
    std::string note;
    if (entry.point_of_order) {
      note = " (POINT OF ORDER)";
    } else if (!entry.topic.empty()) {
      note = " — " + protocol::html_escape(entry.topic);
    }
    text += fmt::format("{}{}. {}{}", i == 0 ? "" : "; ", i + 1, user_label(plane, entry.session), note);
  }
  if (queue.size() > limit) text += fmt::format("; and {} more", queue.size() - limit);
  return text;
}

// What stock clients see appended to the channel's description; empty when there is nothing.
std::string floor_panel(ControlPlane& plane, state::ChannelId channel) {
  const auto* info = plane.state().channels().find(channel);
  const auto& floor = plane.state().floor();
  const auto holders = floor.floor_holders(channel);
  const auto queue = floor.queue(channel, info->plenary.queue);
  const bool muted = floor.muted_all(channel);
  const auto poll = plane.state().polls().summary(channel);
  if (!info->plenary.moderated && !muted && holders.empty() && queue.empty() && !poll) return {};
  std::string panel = "<hr><b>Floor</b>";
  if (info->plenary.moderated) panel += " (moderated)";
  if (muted) panel += " (all muted)";
  std::string speaking;
  for (const auto holder : holders) speaking += (speaking.empty() ? "" : ", ") + user_label(plane, holder);
  panel += "<br>Speaking: " + (speaking.empty() ? std::string{"nobody"} : speaking);
  panel += "<br>Queue: " + (queue.empty() ? std::string{"empty"} : queue_text(plane, queue, 20));
  if (const auto limit = time_limit_s(plane, channel); limit != 0) panel += fmt::format("<br>Time limit: {} s", limit);
  if (poll) {
    panel += fmt::format("<br>Poll open: {} ({} vote{}; /vote N)", protocol::html_escape(poll->question), poll->votes,
                         poll->votes == 1 ? "" : "s");
  }
  return panel;
}

}  // namespace

std::uint32_t time_limit_s(ControlPlane& plane, state::ChannelId channel) {
  if (const auto live = plane.state().floor().time_limit_override(channel)) return *live;
  const auto* info = plane.state().channels().find(channel);
  return info ? info->plenary.time_limit_s : 0;
}

std::string user_label(ControlPlane& plane, state::SessionId session) {
  if (const auto* user = plane.state().users().find(session)) return protocol::html_escape(user->name);
  return fmt::format("session {}", session);
}

void announce_to_channel(ControlPlane& plane, state::ChannelId channel, std::string_view html) {
  MumbleProto::TextMessage message;
  message.add_channel_id(channel);
  message.set_message(std::string{html});
  const auto frame = protocol::encode_frame(message);
  for (const auto member : plane.state().users().in_channel(channel)) plane.send_to(member, frame);
}

MumbleProto::ChannelState floor_message(ControlPlane& plane, state::ChannelId channel) {
  const auto* info = plane.state().channels().find(channel);
  const auto& floor = plane.state().floor();
  MumbleProto::ChannelState message;
  message.set_channel_id(channel);
  message.set_description(info->description + floor_panel(plane, channel));
  MumbleProto::PlenumFloor floor_field;
  auto* extension = &floor_field;
  for (const auto holder : floor.floor_holders(channel)) extension->add_holders(holder);
  for (const auto& entry : floor.queue(channel, info->plenary.queue)) {
    auto* waiting = extension->add_queue();
    waiting->set_session(entry.session);
    if (!entry.topic.empty()) waiting->set_topic(entry.topic);
    if (entry.point_of_order) waiting->set_point_of_order(true);
  }
  extension->set_moderated(info->plenary.moderated);
  extension->set_muted_all(floor.muted_all(channel));
  extension->set_time_limit_s(time_limit_s(plane, channel));
  extension->set_queue_policy(std::string{state::to_string(info->plenary.queue)});
  if (const auto poll = plane.state().polls().summary(channel)) {
    auto* open = extension->mutable_poll();
    open->set_question(poll->question);
    for (const auto& option : poll->options) open->add_options(option);
    open->set_votes(poll->votes);
  }
  if (const auto* breakout = plane.state().breakouts().find(channel)) {
    for (const auto group : breakout->groups) extension->add_groups(group);
  }
  message.GetReflection()->MutableUnknownFields(&message)->AddLengthDelimited(kPlenumFloorField,
                                                                             floor_field.SerializeAsString());
  return message;
}

void floor_changed(ControlPlane& plane, state::ChannelId channel, std::string_view announcement) {
  if (!plane.state().channels().find(channel)) return;
  plane.announce_suppression_changes();  // also republishes the routing snapshot
  if (!announcement.empty()) announce_to_channel(plane, channel, announcement);
  plane.broadcast_message(floor_message(plane, channel));
  schedule_plenary_timer(plane);
}

void send_floor_states(ControlPlane& plane, Session& session) {
  for (const auto& [id, channel] : plane.state().channels().channels()) {
    if (!floor_panel(plane, id).empty()) session.send(floor_message(plane, id));
  }
}

}  // namespace plenum::server::control
