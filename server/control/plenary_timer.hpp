// One timer on the control executor for the plenary's clocks: speaking-time warnings and ends
// (floor), and the end of breakout groups. It wakes at the earliest due time of any channel.
// Control-plane thread.
#pragma once

#include "server/state/ids.hpp"

#include <optional>

namespace plenum::server::control {

class ControlPlane;

// After any change that moves a due time (floor given, /time, breakout started or ended).
void schedule_plenary_timer(ControlPlane& plane);

// handle_command_breakout.cpp: everyone back to the plenary channel, the groups removed.
void end_breakout(ControlPlane& plane, state::ChannelId plenary, std::optional<state::SessionId> actor);
void warn_breakout(ControlPlane& plane, state::ChannelId plenary);

}  // namespace plenum::server::control
