// The control plane's side of floor control (DESIGN.md §4): after a change to a channel's floor
// or plenary settings, suppression is recomputed and broadcast, the routing republished, the
// change announced once as channel text, and the live state sent (a ChannelState with the
// PlenumFloor extension for plenum-cli, and the description with a floor panel for stock
// clients); the speaking-time timer is rescheduled. Control-plane thread.
#pragma once

#include "server/state/ids.hpp"

#include "Mumble.pb.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace plenum::server::control {

class ControlPlane;
class Session;

void floor_changed(ControlPlane& plane, state::ChannelId channel, std::string_view announcement);
// Server text (actor unset) to everyone in the channel.
void announce_to_channel(ControlPlane& plane, state::ChannelId channel, std::string_view html);
// The speaking-time limit in force: /time, else the channel's setting. 0 = none.
std::uint32_t time_limit_s(ControlPlane& plane, state::ChannelId channel);
// "alice" (escaped), or "session N" once the user is gone.
std::string user_label(ControlPlane& plane, state::SessionId session);
// The channel's live floor as a ChannelState delta: the PlenumFloor extension, and the
// description with the floor panel appended.
MumbleProto::ChannelState floor_message(ControlPlane& plane, state::ChannelId channel);
// At login, after the channels: the floor of every channel that has one.
void send_floor_states(ControlPlane& plane, Session& session);

}  // namespace plenum::server::control
