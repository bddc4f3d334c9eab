#include "server/control/plenary_timer.hpp"

#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/floor_control.hpp"

#include <fmt/core.h>

namespace plenum::server::control {

namespace {

void run_floor_clock(ControlPlane& plane, state::FloorClock::time_point now) {
  auto& floor = plane.state().floor();
  for (const auto channel : floor.channels()) {
    std::string ended;
    for (const auto& event : floor.due(channel, time_limit_s(plane, channel), now)) {
      if (event.kind == state::FloorTimeEvent::Kind::Warning) {
        if (Session* speaker = plane.find_session(event.session)) {
          reply(*speaker, fmt::format("{} seconds of speaking time left.", event.seconds_left));
        }
      } else {
        ended += fmt::format("{}Time is up for {}.", ended.empty() ? "" : " ", user_label(plane, event.session));
      }
    }
    if (!ended.empty()) floor_changed(plane, channel, ended);
  }
}

void on_timer(ControlPlane& plane) {
  const auto now = state::FloorClock::now();
  run_floor_clock(plane, now);
  const auto due = plane.state().breakouts().due(now);
  for (const auto plenary : due.warn) warn_breakout(plane, plenary);
  for (const auto plenary : due.finish) end_breakout(plane, plenary, std::nullopt);
  schedule_plenary_timer(plane);
}

}  // namespace

void schedule_plenary_timer(ControlPlane& plane) {
  if (plane.stopping()) return;
  const auto& state = plane.state();
  std::optional<state::FloorClock::time_point> earliest = state.breakouts().next_due();
  for (const auto channel : state.floor().channels()) {
    const auto due = state.floor().next_due(channel, time_limit_s(plane, channel));
    if (due && (!earliest || *due < *earliest)) earliest = due;
  }
  auto& timer = plane.plenary_timer();
  if (!earliest) {
    timer.cancel();
    return;
  }
  timer.expires_at(*earliest);  // cancels the wait before, whose handler sees operation_aborted
  timer.async_wait([&plane](const boost::system::error_code& ec) {
    if (!ec && !plane.stopping()) on_timer(plane);
  });
}

}  // namespace plenum::server::control
