#include "server/voice/voice_router.hpp"

namespace plenum::server::voice {

RouteOutcome route_voice(const RoutingSnapshot& snapshot, SessionId speaker, std::uint8_t target,
                         std::vector<Delivery>& out) {
  out.clear();
  const SpeakerRoutes* routes = snapshot.speaker(speaker);
  if (routes == nullptr) return RouteOutcome::Unrouted;
  if (routes->silenced) return RouteOutcome::Silenced;
  if (target == protocol::kLoopbackTarget) {
    // Back to the speaker only, as context 0, whatever its deaf flags [observed 1.3.4].
    out.push_back({speaker, protocol::AudioContext::Normal});
    return RouteOutcome::Routed;
  }
  if (target == protocol::kNormalTarget) {
    // A user is in exactly one channel, so the channel lists never repeat a receiver.
    for (const ChannelId channel : routes->normal_channels) {
      for (const SessionId receiver : snapshot.listeners_in(channel)) {
        if (receiver != speaker) out.push_back({receiver, protocol::AudioContext::Normal});
      }
    }
    return RouteOutcome::Routed;
  }
  const std::vector<Delivery>* receivers = routes->whisper_target(target);
  if (receivers == nullptr) return RouteOutcome::UnknownTarget;
  out.assign(receivers->begin(), receivers->end());
  return RouteOutcome::Routed;
}

}  // namespace plenum::server::voice
