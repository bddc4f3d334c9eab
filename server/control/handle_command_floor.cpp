// The speaker queue and the floor (DESIGN.md §4): members `/hand [topic]`, `/lower`, `/point`,
// `/queue`; chairs (MuteDeafen) `/next`, `/give USER`, `/take [USER]`, `/clear`, `/time SECONDS`,
// `/muteall`, `/unmuteall`. Every change is announced once to the channel (floor_control).
#include "protocol/html_escape.hpp"
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/floor_control.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

#include <charconv>

namespace plenum::server::control {

namespace {

constexpr std::size_t kMaxTopicBytes = 200;
constexpr std::uint32_t kMaxTimeLimitS = 24 * 3600;

state::QueuePolicy policy_of(const CommandCall& call) {
  return call.plane.state().channels().find(call.channel)->plenary.queue;
}

std::string joined(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string me(const CommandCall& call) { return user_label(call.plane, call.session.id()); }

// " Next: bob." when someone waits.
std::string next_up(const CommandCall& call) {
  const auto queue = call.plane.state().floor().queue(call.channel, policy_of(call));
  if (queue.empty()) return {};
  return fmt::format(" Next: {}.", user_label(call.plane, queue.front().session));
}

// The user a chair names: the one clicked in a menu, or by name in the chair's channel.
std::optional<state::SessionId> named_user(CommandCall& call) {
  const auto& users = call.plane.state().users();
  const state::ConnectedUser* user = nullptr;
  if (call.target) {
    user = users.find(*call.target);
  } else if (!call.args.empty()) {
    user = users.find_by_name(joined(call.args));
  }
  if (!user) {
    reply(call.session, "No such user here.");
    return std::nullopt;
  }
  if (user->channel != call.channel) {
    reply(call.session, fmt::format("{} is not in this channel.", protocol::html_escape(user->name)));
    return std::nullopt;
  }
  return user->session;
}

void hand(CommandCall& call) {
  std::string topic = joined(call.args);
  if (topic.size() > kMaxTopicBytes) {
    reply(call.session, fmt::format("Keep the topic under {} characters.", kMaxTopicBytes));
    return;
  }
  const auto place =
      call.plane.state().floor().raise_hand(call.channel, call.session.id(), topic, policy_of(call));
  if (!place) {
    reply(call.session, "You have the floor.");
    return;
  }
  reply(call.session, fmt::format("Your hand is up: number {} in the queue.", place->position));
  floor_changed(call.plane, call.channel,
                fmt::format("{} raised a hand{} (number {}).", me(call),
                            topic.empty() ? std::string{} : " — " + protocol::html_escape(topic), place->position));
}

void lower(CommandCall& call) {
  if (!call.plane.state().floor().lower_hand(call.channel, call.session.id())) {
    reply(call.session, "You are not in the queue.");
    return;
  }
  reply(call.session, "Your hand is down.");
  floor_changed(call.plane, call.channel, fmt::format("{} lowered their hand.", me(call)));
}

void point(CommandCall& call) {
  const auto place = call.plane.state().floor().point_of_order(call.channel, call.session.id(), policy_of(call));
  if (!place) {
    reply(call.session, "You have the floor.");
    return;
  }
  reply(call.session, fmt::format("Point of order raised: number {} in the queue.", place->position));
  floor_changed(call.plane, call.channel, fmt::format("<b>POINT OF ORDER</b> from {} (number {}).", me(call), place->position));
}

void show_queue(CommandCall& call) {
  const auto& floor = call.plane.state().floor();
  std::string speaking;
  for (const auto holder : floor.floor_holders(call.channel)) {
    speaking += (speaking.empty() ? "" : ", ") + user_label(call.plane, holder);
  }
  std::string text = "Speaking: " + (speaking.empty() ? std::string{"nobody"} : speaking);
  const auto queue = floor.queue(call.channel, policy_of(call));
  if (queue.empty()) text += "<br>The queue is empty.";
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto& entry = queue[i];
    text += fmt::format("<br>{}. {}{}", i + 1, user_label(call.plane, entry.session),
                        entry.point_of_order ? std::string{" — <b>POINT OF ORDER</b>"}
                                             : (entry.topic.empty() ? std::string{} : " — " + protocol::html_escape(entry.topic)));
  }
  reply(call.session, text);
}

void next(CommandCall& call) {
  auto& floor = call.plane.state().floor();
  const auto result = floor.next(call.channel, policy_of(call), state::FloorClock::now());
  if (!result.given) {
    reply(call.session, "The queue is empty.");
    if (!result.taken.empty()) floor_changed(call.plane, call.channel, "The queue is empty; nobody has the floor.");
    return;
  }
  floor_changed(call.plane, call.channel,
                fmt::format("{} has the floor{}.{}", user_label(call.plane, result.given->session),
                            result.given->point_of_order ? " (point of order)"
                            : result.given->topic.empty() ? ""
                                                          : " — " + protocol::html_escape(result.given->topic),
                            next_up(call)));
}

void give(CommandCall& call) {
  const auto target = named_user(call);
  if (!target) return;
  if (!call.plane.state().floor().give(call.channel, *target, state::FloorClock::now())) {
    reply(call.session, fmt::format("{} has the floor already.", user_label(call.plane, *target)));
    return;
  }
  floor_changed(call.plane, call.channel,
                fmt::format("{} has the floor (given by {}).{}", user_label(call.plane, *target), me(call), next_up(call)));
}

void take(CommandCall& call) {
  auto& floor = call.plane.state().floor();
  std::vector<state::SessionId> taken;
  if (call.target || !call.args.empty()) {
    const auto target = named_user(call);
    if (!target) return;
    if (floor.take(call.channel, *target)) taken.push_back(*target);
  } else {
    taken = floor.take_all(call.channel);
  }
  if (taken.empty()) {
    reply(call.session, "Nobody to take the floor from.");
    return;
  }
  std::string names;
  for (const auto session : taken) names += (names.empty() ? "" : ", ") + user_label(call.plane, session);
  floor_changed(call.plane, call.channel, fmt::format("The floor was taken from {}.{}", names, next_up(call)));
}

void clear(CommandCall& call) {
  const auto cleared = call.plane.state().floor().clear_queue(call.channel);
  if (cleared == 0) {
    reply(call.session, "The queue is empty.");
    return;
  }
  floor_changed(call.plane, call.channel, fmt::format("{} cleared the queue ({} waiting).", me(call), cleared));
}

void time_limit(CommandCall& call) {
  std::uint32_t seconds = 0;
  const std::string arg = call.args.size() == 1 ? call.args[0] : std::string{};
  const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), seconds);
  if (arg.empty() || ec != std::errc{} || end != arg.data() + arg.size() || seconds > kMaxTimeLimitS) {
    reply(call.session, fmt::format("Usage: /time SECONDS (0 to {}; 0: no limit).", kMaxTimeLimitS));
    return;
  }
  call.plane.state().floor().set_time_limit(call.channel, seconds);
  floor_changed(call.plane, call.channel,
                seconds == 0 ? std::string{"No speaking-time limit."}
                             : fmt::format("Speaking time is limited to {} seconds.", seconds));
}

void mute_all(CommandCall& call, bool muted) {
  if (!call.plane.state().floor().set_muted_all(call.channel, muted)) {
    reply(call.session, muted ? "Everyone is muted already." : "Nobody is muted by /muteall.");
    return;
  }
  floor_changed(call.plane, call.channel,
                muted ? fmt::format("{} muted everyone but the chairs and who has the floor.", me(call))
                      : fmt::format("{} unmuted everyone.", me(call)));
}

void muteall(CommandCall& call) { mute_all(call, true); }
void unmuteall(CommandCall& call) { mute_all(call, false); }

}  // namespace

void add_floor_commands(CommandRegistry& registry) {
  using state::PlenaryRole;
  registry.add(Command{"hand", "/hand [topic]", "join the speaker queue", PlenaryRole::Member, hand,
                       {MenuEntry{"plenum.hand", "Raise hand", kServerContext, {}}}});
  registry.add(Command{"lower", "/lower", "leave the speaker queue", PlenaryRole::Member, lower,
                       {MenuEntry{"plenum.lower", "Lower hand", kServerContext, {}}}});
  registry.add(Command{"point", "/point", "raise a point of order (head of the queue)", PlenaryRole::Member, point,
                       {MenuEntry{"plenum.point", "Point of order", kServerContext, {}}}});
  registry.add(Command{"queue", "/queue", "who has the floor and who waits", PlenaryRole::Member, show_queue,
                       {MenuEntry{"plenum.floor.queue", "Floor: show the queue", kChannelContext, {}}}});
  registry.add(Command{"next", "/next", "give the floor to the head of the queue", PlenaryRole::Chair, next,
                       {MenuEntry{"plenum.floor.next", "Floor: next speaker", kChannelContext, {}}}});
  registry.add(Command{"give", "/give USER", "give USER the floor", PlenaryRole::Chair, give,
                       {MenuEntry{"plenum.floor.give", "Give the floor", kUserContext, {}}}});
  registry.add(Command{"take", "/take [USER]", "take the floor from USER, or from everyone", PlenaryRole::Chair, take,
                       {MenuEntry{"plenum.floor.take", "Take the floor", kUserContext, {}}}});
  registry.add(Command{"clear", "/clear", "empty the speaker queue", PlenaryRole::Chair, clear,
                       {MenuEntry{"plenum.floor.clear", "Floor: clear the queue", kChannelContext, {}}}});
  registry.add(Command{"time", "/time SECONDS", "speaking-time limit for the current and next speakers (0: none)",
                       PlenaryRole::Chair, time_limit, {}});
  registry.add(Command{"muteall", "/muteall", "mute everyone but chairs and who has the floor", PlenaryRole::Chair,
                       muteall, {MenuEntry{"plenum.floor.muteall", "Floor: mute all", kChannelContext, {}}}});
  registry.add(Command{"unmuteall", "/unmuteall", "undo /muteall", PlenaryRole::Chair, unmuteall,
                       {MenuEntry{"plenum.floor.unmuteall", "Floor: unmute all", kChannelContext, {}}}});
}

}  // namespace plenum::server::control
