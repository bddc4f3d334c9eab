// Which channels the audio engine works on and how their members listen (DESIGN.md §4): a
// channel's settings fall back to the server's [plenary] defaults, a user's `/mode` to its
// channel's mode. Part of building the RoutingSnapshot; control-plane thread, pure functions of
// the state.
#pragma once

#include "server/audio/engine_frames.hpp"
#include "server/config/server_config.hpp"
#include "server/state/server_state.hpp"
#include "server/voice/routing_snapshot.hpp"

#include <functional>
#include <vector>

namespace plenum::server::voice {

// What engine channels need beyond the server state.
struct EngineContext {
  config::PlenaryConfig defaults;
  // The virtual mix user of an engine channel; 0 while it has none.
  std::function<SessionId(ChannelId)> mix_user_of;
  // Floor holders of a channel (plenary control), always selected; empty when unset.
  std::function<std::vector<SessionId>(ChannelId)> floor_of;
};

config::ListenerMode channel_mode(const state::Channel& channel, const config::PlenaryConfig& defaults);
config::ListenerMode listener_mode(const state::ServerState& state, const state::ConnectedUser& user,
                                   const config::PlenaryConfig& defaults);

// Channels with a member listening in topk or mix (its own mode, or the channel's); ascending.
std::vector<ChannelId> engine_channel_ids(const state::ServerState& state,
                                          const config::PlenaryConfig& defaults);

// Fills snapshot.engine and snapshot.engine_channels, and takes the topk and mix listeners of
// engine channels out of snapshot.listeners (which must be filled already).
void add_engine_routes(const state::ServerState& state, const EngineContext& context,
                       RoutingSnapshot& snapshot);

}  // namespace plenum::server::voice
