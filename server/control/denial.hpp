// Turns a state::Denial into the PermissionDenied message Murmur would send.
#pragma once

#include "server/state/verdict.hpp"

#include "Mumble.pb.h"

#include <string>

namespace plenum::server::control {

class Session;

MumbleProto::PermissionDenied permission_denied(const state::Denial& denial, std::string reason = {});
void send_denial(Session& session, const state::Denial& denial, std::string reason = {});
void send_missing(Session& session, state::Permissions permission, state::ChannelId channel);

}  // namespace plenum::server::control
