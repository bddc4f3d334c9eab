// Breakout groups (DESIGN.md §4): chairs `/breakout N [minutes]` makes N temporary channels
// "Group 1" … "Group N" under the plenary channel and spreads its members over them evenly at
// random; `/breakout N choose [minutes]` makes them and lets members move themselves; at the end
// (a minute's warning first) or on `/return`, everyone comes back and the groups disappear.
#include "server/control/plenary_timer.hpp"
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/floor_control.hpp"
#include "server/control/state_messages.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <random>

namespace plenum::server::control {

namespace {

constexpr std::uint32_t kMaxGroups = 50, kMaxMinutes = 24 * 60;

std::optional<std::uint32_t> number(const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void announce_new_channel(ControlPlane& plane, state::ChannelId id) {
  const state::Channel* channel = plane.state().channels().find(id);
  for (Session* receiver : plane.authenticated_sessions()) receiver->send(channel_state(*channel, receiver->client_version));
}

void breakout(CommandCall& call) {
  const char* usage = "Usage: /breakout N [minutes], or /breakout N choose [minutes]";
  auto& state = call.plane.state();
  if (call.args.empty() || call.args.size() > 3) {
    reply(call.session, usage);
    return;
  }
  const auto groups = number(call.args[0]);
  const bool choose = call.args.size() >= 2 && call.args[1] == "choose";
  const std::size_t minutes_at = choose ? 2 : 1;
  std::optional<std::uint32_t> minutes;
  if (call.args.size() > minutes_at) minutes = number(call.args[minutes_at]);
  if (!groups || *groups < 2 || *groups > kMaxGroups || call.args.size() > minutes_at + 1 ||
      (call.args.size() > minutes_at && (!minutes || *minutes == 0 || *minutes > kMaxMinutes))) {
    reply(call.session, fmt::format("{} (N from 2 to {}, minutes from 1 to {}).", usage, kMaxGroups, kMaxMinutes));
    return;
  }
  if (state.breakouts().plenary_of(call.channel)) {
    reply(call.session, "Groups are out already; /return first.");
    return;
  }
  state::Breakout made;
  for (std::uint32_t i = 1; i <= *groups; ++i) {
    state::NewChannel spec;
    spec.name = fmt::format("Group {}", i);
    spec.position = static_cast<std::int32_t>(i);
    spec.temporary = true;
    auto id = state.channels().create(call.channel, std::move(spec));
    if (!id) break;  // out of ids: the groups made so far serve
    made.groups.push_back(*id);
    announce_new_channel(call.plane, *id);
  }
  if (made.groups.empty()) {
    reply(call.session, "No groups could be made here.");
    return;
  }
  if (minutes) {
    made.ends = state::FloorClock::now() + std::chrono::minutes{*minutes};
    made.warned = *minutes <= 1;  // no one-minute warning for a one-minute break
  }
  const auto group_ids = made.groups;
  state.breakouts().start(call.channel, std::move(made));
  const std::string length = minutes ? fmt::format(" for {} minute{}", *minutes, *minutes == 1 ? "" : "s") : "";
  if (choose) {
    announce_to_channel(call.plane, call.channel,
                        fmt::format("{} groups are open{}: join one yourself. /return brings everyone back.",
                                    group_ids.size(), length));
  } else {
    announce_to_channel(call.plane, call.channel,
                        fmt::format("Breakout into {} groups{}. You are being moved.", group_ids.size(), length));
    // Members only: chairs stay to run the plenary and may visit the groups.
    std::vector<state::SessionId> members;
    for (const auto session : state.users().in_channel(call.channel)) {
      if (!state::has_role(state, session, call.channel, state::PlenaryRole::Chair)) members.push_back(session);
    }
    std::shuffle(members.begin(), members.end(), std::mt19937{std::random_device{}()});
    for (std::size_t i = 0; i < members.size(); ++i) {
      call.plane.move_user(members[i], group_ids[i % group_ids.size()], call.session.id());
    }
  }
  schedule_plenary_timer(call.plane);
}

void return_from_groups(CommandCall& call) {
  const auto plenary = call.plane.state().breakouts().plenary_of(call.channel);
  if (!plenary) {
    reply(call.session, "No groups are out here.");
    return;
  }
  // The chair of the plenary channel decides, wherever it stands.
  if (*plenary != call.channel) {
    call.channel = *plenary;
    if (refuse_without(call, state::PlenaryRole::Chair)) return;
  }
  end_breakout(call.plane, *plenary, call.session.id());
}

}  // namespace

void end_breakout(ControlPlane& plane, state::ChannelId plenary, std::optional<state::SessionId> actor) {
  auto& state = plane.state();
  auto done = state.breakouts().finish(plenary);
  if (!done) return;
  for (const auto group : done->groups) {
    // Moving the last user out removes the temporary group (move_user).
    for (const auto session : state.users().in_channel(group)) plane.move_user(session, plenary, actor);
  }
  for (const auto group : done->groups) {
    if (!state.channels().find(group)) continue;
    auto removal = state.remove_channel(group);  // groups nobody entered
    if (!removal) continue;
    for (const auto id : removal->removed) {
      MumbleProto::ChannelRemove gone;
      gone.set_channel_id(id);
      plane.broadcast_message(gone);
    }
  }
  announce_to_channel(plane, plenary, "The groups are over: welcome back.");
  schedule_plenary_timer(plane);
}

void warn_breakout(ControlPlane& plane, state::ChannelId plenary) {
  const auto* breakout = plane.state().breakouts().find(plenary);
  if (!breakout) return;
  for (const auto group : breakout->groups) announce_to_channel(plane, group, "One minute left in the groups.");
  announce_to_channel(plane, plenary, "One minute left in the groups.");
}

void add_breakout_commands(CommandRegistry& registry) {
  using state::PlenaryRole;
  registry.add(Command{"breakout", "/breakout N [minutes] | /breakout N choose [minutes]",
                       "split the members into N small groups", PlenaryRole::Chair, breakout, {}});
  registry.add(Command{"return", "/return", "bring everyone back from the groups", PlenaryRole::Chair,
                       return_from_groups,
                       {MenuEntry{"plenum.breakout.return", "Groups: bring everyone back", kChannelContext, {}}}});
}

}  // namespace plenum::server::control
