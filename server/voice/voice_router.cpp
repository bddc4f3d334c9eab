#include "server/voice/voice_router.hpp"

#include <algorithm>

namespace plenum::server::voice {

namespace {

bool contains(const std::vector<ChannelId>& channels, ChannelId channel) noexcept {
  return std::find(channels.begin(), channels.end(), channel) != channels.end();
}

bool sorted_contains(const std::vector<SessionId>& sessions, SessionId session) noexcept {
  return std::binary_search(sessions.begin(), sessions.end(), session);
}

// Target 0: the members of the speaker's channel and of the linked channels it may speak in
// (context 0), then the listeners of those channels who are not members of any (context 3).
void route_normal(const RoutingSnapshot& snapshot, const SpeakerRoutes& routes, SessionId speaker,
                  const std::vector<SessionId>* topk_listeners, std::vector<Delivery>& out) {
  // A user is in exactly one channel, so the channel lists never repeat a receiver.
  for (const ChannelId channel : routes.normal_channels) {
    for (const SessionId receiver : snapshot.listeners_in(channel)) {
      if (receiver != speaker) out.push_back({receiver, protocol::AudioContext::Normal});
    }
  }
  if (topk_listeners != nullptr) {
    for (const SessionId receiver : *topk_listeners) {
      if (receiver != speaker) out.push_back({receiver, protocol::AudioContext::Normal});
    }
  }
  const std::size_t members = out.size();
  for (const ChannelId channel : routes.normal_channels) {
    for (const ChannelListener& listener : snapshot.channel_listeners_of(channel)) {
      if (listener.session == speaker || contains(routes.normal_channels, listener.in_channel)) {
        continue;
      }
      out.push_back({listener.session, protocol::AudioContext::Listen, listener.volume});
    }
  }
  // One listener may listen to several of the linked channels: once is enough, at the loudest
  // of their volumes (§5; Murmur's AudioReceiverBuffer keeps the larger factor). In place, so
  // nothing is allocated: sorted loudest first per receiver, then the first of each kept.
  if (routes.normal_channels.size() > 1 && out.size() - members > 1) {
    const auto first = out.begin() + static_cast<std::ptrdiff_t>(members);
    const auto by_receiver_loudest_first = [](const Delivery& a, const Delivery& b) {
      return a.receiver != b.receiver ? a.receiver < b.receiver : a.volume > b.volume;
    };
    const auto same_receiver = [](const Delivery& a, const Delivery& b) {
      return a.receiver == b.receiver;
    };
    std::sort(first, out.end(), by_receiver_loudest_first);
    out.erase(std::unique(first, out.end(), same_receiver), out.end());
  }
}

}  // namespace

RouteOutcome route_voice(const RoutingSnapshot& snapshot, SessionId speaker, std::uint8_t target,
                         std::vector<Delivery>& out, const audio::SelectionSnapshot* selection) {
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
    const std::vector<SessionId>* topk_listeners = nullptr;
    if (const EngineRoute* engine = snapshot.engine_route(routes->channel)) {
      const audio::ChannelSelection* chosen =
          selection != nullptr ? selection->find(routes->channel) : nullptr;
      if (chosen != nullptr && sorted_contains(chosen->blocked, speaker)) {
        return RouteOutcome::OpenMicrophone;
      }
      if (chosen != nullptr && sorted_contains(chosen->selected, speaker)) {
        topk_listeners = &engine->topk_listeners;
      }
    }
    route_normal(snapshot, *routes, speaker, topk_listeners, out);
    return RouteOutcome::Routed;
  }
  const std::vector<Delivery>* receivers = routes->whisper_target(target);
  if (receivers == nullptr) return RouteOutcome::UnknownTarget;
  out.assign(receivers->begin(), receivers->end());
  return RouteOutcome::Routed;
}

}  // namespace plenum::server::voice
