// VoiceRouter: who receives one voice packet, read from the current RoutingSnapshot
// (MUMBLE_PROTOCOL.md §5). Pure function over immutable data; runs on the voice thread with a
// caller-owned output vector, so steady state allocates nothing.
#pragma once

#include "server/voice/routing_snapshot.hpp"

#include <cstdint>
#include <vector>

namespace plenum::server::voice {

enum class RouteOutcome : std::uint8_t {
  Routed,         // `out` holds the receivers (possibly none)
  Unrouted,       // the speaker is not in the snapshot (not authenticated yet, or gone)
  Silenced,       // muted, suppressed or self-muted: drop
  UnknownTarget,  // a VoiceTarget id the speaker has not registered: drop
  OpenMicrophone, // stopped by the audio engine as an open microphone (ptt channels): drop
};

// Fills `out` (cleared first) with every receiver of a packet that `speaker` sent to `target`
// (0 normal, 1..30 VoiceTarget, 31 loopback): each receiver once with the smallest context
// (members of the talk's channels 0, then channel listeners 3, each at the loudest volume it set
// for the channels it hears the talk through), never the speaker except for loopback, never a
// deaf user. In an engine channel, `selection` (the audio engine's latest) decides: members in
// topk mode get the talk of selected speakers only, members in mix mode none (they hear the
// mix), and a speaker stopped as an open microphone reaches nobody with normal talk.
RouteOutcome route_voice(const RoutingSnapshot& snapshot, SessionId speaker, std::uint8_t target,
                         std::vector<Delivery>& out,
                         const audio::SelectionSnapshot* selection = nullptr);

}  // namespace plenum::server::voice
