#include "server/voice/routing_snapshot.hpp"

#include <algorithm>

namespace plenum::server::voice {

const std::vector<Delivery>* SpeakerRoutes::whisper_target(std::uint8_t id) const noexcept {
  const auto it = std::find_if(whisper_targets.begin(), whisper_targets.end(),
                               [id](const auto& entry) { return entry.first == id; });
  return it == whisper_targets.end() ? nullptr : &it->second;
}

const SpeakerRoutes* RoutingSnapshot::speaker(SessionId session) const noexcept {
  const auto it = speakers.find(session);
  return it == speakers.end() ? nullptr : &it->second;
}

std::span<const SessionId> RoutingSnapshot::listeners_in(ChannelId channel) const noexcept {
  const auto it = listeners.find(channel);
  if (it == listeners.end()) return {};
  return it->second;
}

std::span<const ChannelListener> RoutingSnapshot::channel_listeners_of(
    ChannelId channel) const noexcept {
  const auto it = channel_listeners.find(channel);
  if (it == channel_listeners.end()) return {};
  return it->second;
}

const EngineRoute* RoutingSnapshot::engine_route(ChannelId channel) const noexcept {
  const auto it = engine.find(channel);
  return it == engine.end() ? nullptr : &it->second;
}

}  // namespace plenum::server::voice
