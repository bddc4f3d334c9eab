// Builds the RoutingSnapshot from the control plane's ServerState and each session's registered
// VoiceTargets, following MUMBLE_PROTOCOL.md §5 (Murmur's processMsg and
// createWhisperTargetCacheFor). Runs on the control-plane thread, which owns both inputs; the
// result is immutable and handed to the voice plane.
#pragma once

#include "server/state/server_state.hpp"
#include "server/voice/engine_routes.hpp"
#include "server/voice/routing_snapshot.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "Mumble.pb.h"

namespace plenum::server::voice {

// A session's VoiceTarget messages by id (1..30), as the control plane keeps them.
using VoiceTargets = std::map<std::uint32_t, MumbleProto::VoiceTarget>;
// The targets `session` registered, or null for none.
using VoiceTargetsOf = std::function<const VoiceTargets*(SessionId session)>;

// `engine`: the plenary defaults and mix users for engine channels; none = every channel forwards.
std::shared_ptr<const RoutingSnapshot> build_routing_snapshot(const state::ServerState& state,
                                                              const VoiceTargetsOf& targets_of,
                                                              const EngineContext* engine = nullptr);

// The hearing channel listeners of every channel, as the snapshot carries them.
ChannelListeners channel_listeners_of(const state::ServerState& state);

// One speaker's receivers for one VoiceTarget: channel entries (with links, children and group)
// give context 1 (shout) to members and 3 (listen) to `listeners` of channels where the speaker
// has Whisper; session entries give context 2 (whisper) where the receiver's channel grants the
// speaker Whisper and it is not already a channel target. Each receiver once with the smallest
// context; deaf users and the speaker are left out; sorted by session.
std::vector<Delivery> resolve_voice_target(const state::ServerState& state,
                                           const ChannelListeners& listeners, SessionId speaker,
                                           const MumbleProto::VoiceTarget& target);

}  // namespace plenum::server::voice
