// RoutingSnapshot: who hears whom, resolved once on the control plane from the server state and
// the voice targets, then shared read-only with the voice plane (STYLE.md §3). Immutable once
// published as std::shared_ptr<const RoutingSnapshot>; the voice thread swaps in each new one.
#pragma once

#include "protocol/voice_packet.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/state/ids.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace plenum::server::voice {

using state::ChannelId;
using state::SessionId;

// One receiver of one packet, why it hears it (the context written into the packet) and, for a
// channel listener (context 3), the volume factor it chose for that channel (1.5+; 1.0 else).
struct Delivery {
  SessionId receiver = 0;
  protocol::AudioContext context = protocol::AudioContext::Normal;
  float volume = 1.0F;

  bool operator==(const Delivery&) const = default;
};

// A speaker's routes. Deaf users never appear as receivers anywhere in a snapshot.
struct SpeakerRoutes {
  ChannelId channel = state::kRootChannel;
  // mute, suppress or self_mute (§5): nothing this user sends is forwarded.
  bool silenced = false;
  // Target 0: the channels whose (hearing) members get context 0, the speaker's own first, then
  // linked channels where the speaker has Speak. Empty when silenced.
  std::vector<ChannelId> normal_channels;
  // Targets 1..30 as registered: receivers sorted by session, each once with the smallest
  // context (channel listeners included, at the loudest volume of the channels that reach
  // them), the speaker excluded. An id missing here is unknown (the packet is dropped).
  std::vector<std::pair<std::uint8_t, std::vector<Delivery>>> whisper_targets;

  const std::vector<Delivery>* whisper_target(std::uint8_t id) const noexcept;
};

// A user who listens to a channel it is not in (1.4+ listening_channel_add): it hears that
// channel's talk and shouts with context 3 unless it hears them another way (§5).
struct ChannelListener {
  SessionId session = 0;
  ChannelId in_channel = state::kRootChannel;  // where the listener itself is
  float volume = 1.0F;  // its listening_volume_adjustment for this channel

  bool operator==(const ChannelListener&) const = default;
};

// Hearing (not deaf) channel listeners of each channel that has any, ascending sessions.
using ChannelListeners = std::unordered_map<ChannelId, std::vector<ChannelListener>>;

// A channel the audio engine works on (DESIGN.md §2, §4): its mode is topk or mix, or a member
// listens that way. Its members in those modes are not in RoutingSnapshot::listeners: topk
// listeners get the original packets of the engine's selected speakers only, mix listeners one
// stream from the channel's virtual mix user.
struct EngineRoute {
  SessionId mix_user = 0;                 // the virtual user whose voice is the mix
  std::vector<SessionId> topk_listeners;  // hearing members in topk mode, ascending
  std::vector<SessionId> mix_listeners;   // hearing members in mix mode, ascending

  bool operator==(const EngineRoute&) const = default;
};

struct RoutingSnapshot {
  // Every authenticated user, by session.
  std::unordered_map<SessionId, SpeakerRoutes> speakers;
  // Hearing (not deaf) members of each channel that has any, ascending sessions; in an engine
  // channel only those listening in `all` mode (the others are in `engine`).
  std::unordered_map<ChannelId, std::vector<SessionId>> listeners;
  ChannelListeners channel_listeners;
  // Authenticated users that are not bots: what the server-query ping reports (1.5+).
  std::uint32_t user_count = 0;
  // Engine channels by id, and what the audio engine works from (the same channels).
  std::unordered_map<ChannelId, EngineRoute> engine;
  std::shared_ptr<const audio::EngineSnapshot> engine_channels;

  const SpeakerRoutes* speaker(SessionId session) const noexcept;
  std::span<const SessionId> listeners_in(ChannelId channel) const noexcept;
  std::span<const ChannelListener> channel_listeners_of(ChannelId channel) const noexcept;
  const EngineRoute* engine_route(ChannelId channel) const noexcept;
};

}  // namespace plenum::server::voice
