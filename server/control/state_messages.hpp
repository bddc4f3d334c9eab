// Builds the protobuf messages that describe server state to a client: ChannelState and
// UserState as Murmur sends them at login and on change. Pure functions; control-plane thread.
#pragma once

#include "protocol/version.hpp"
#include "server/state/channel.hpp"
#include "server/state/user.hpp"

#include "Mumble.pb.h"

#include <string>
#include <string_view>

namespace plenum::server::control {

// Texts and textures this long or longer go out as SHA-1 hashes to clients that can fetch them
// with RequestBlob (1.2.2+) (MUMBLE_PROTOCOL.md §2.8, §2.10).
inline constexpr std::size_t kInlineBlobLimit = 128;

std::string sha1_bytes(std::string_view data);
bool sends_blobs_as_hash(protocol::Version receiver) noexcept;

// Everything but links (sent in a second pass so every linked channel exists client-side).
MumbleProto::ChannelState channel_state(const state::Channel& channel, protocol::Version receiver);
// Only channel_id and the full link set; nullopt-equivalent (no links) → empty message.
MumbleProto::ChannelState channel_links(const state::Channel& channel);

// The full description of a user, as a newcomer sees it or everyone sees a newcomer.
MumbleProto::UserState user_state(const state::ConnectedUser& user, protocol::Version receiver);

}  // namespace plenum::server::control
