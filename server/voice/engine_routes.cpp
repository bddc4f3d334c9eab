#include "server/voice/engine_routes.hpp"

#include <algorithm>

namespace plenum::server::voice {

namespace {

using config::ListenerMode;

audio::EngineChannel engine_channel(const state::Channel& channel, const EngineContext& context) {
  const state::PlenarySettings& settings = channel.plenary;
  const config::PlenaryConfig& defaults = context.defaults;
  audio::EngineChannel out;
  out.channel = channel.id;
  out.k = std::clamp<std::uint32_t>(settings.topk.value_or(defaults.topk), 1,
                                    static_cast<std::uint32_t>(audio::kMaxSelected));
  out.bitrate_bps = settings.mix_bitrate_bps.value_or(defaults.mix_bitrate_bps);
  out.gate_dbfs =
      -static_cast<float>(settings.gate_db_below_full_scale.value_or(defaults.gate_db_below_full_scale));
  out.transmit = settings.transmit.value_or(defaults.transmit);
  out.auto_ptt_open_mics = defaults.auto_ptt_open_mics;
  if (context.floor_of) out.floor = context.floor_of(channel.id);
  std::sort(out.floor.begin(), out.floor.end());
  return out;
}

}  // namespace

ListenerMode channel_mode(const state::Channel& channel, const config::PlenaryConfig& defaults) {
  return channel.plenary.mode.value_or(defaults.mode);
}

ListenerMode listener_mode(const state::ServerState& state, const state::ConnectedUser& user,
                           const config::PlenaryConfig& defaults) {
  if (user.listener_mode) return *user.listener_mode;
  const state::Channel* channel = state.channels().find(user.channel);
  return channel != nullptr ? channel_mode(*channel, defaults) : defaults.mode;
}

std::vector<ChannelId> engine_channel_ids(const state::ServerState& state,
                                          const config::PlenaryConfig& defaults) {
  // Only channels with people in them: an empty channel mixes nothing, and a server whose
  // default mode is mix would otherwise show a mix user in every channel.
  std::vector<ChannelId> out;
  for (const auto& [session, user] : state.users().users()) {
    if (listener_mode(state, user, defaults) != ListenerMode::All) out.push_back(user.channel);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void add_engine_routes(const state::ServerState& state, const EngineContext& context,
                       RoutingSnapshot& snapshot) {
  auto engine = std::make_shared<audio::EngineSnapshot>();
  for (const ChannelId id : engine_channel_ids(state, context.defaults)) {
    const state::Channel* channel = state.channels().find(id);
    if (channel == nullptr) continue;
    audio::EngineChannel settings = engine_channel(*channel, context);
    EngineRoute route;
    route.mix_user = context.mix_user_of ? context.mix_user_of(id) : 0;
    std::vector<SessionId> forwarded;
    // Ascending sessions, so every list comes out sorted.
    for (const SessionId session : state.users().in_channel(id)) {
      const state::ConnectedUser* user = state.users().find(session);
      if (user == nullptr) continue;
      if (user->priority_speaker) settings.priority.push_back(session);
      if (user->hears_nothing()) continue;
      switch (listener_mode(state, *user, context.defaults)) {
        case ListenerMode::All:
          forwarded.push_back(session);
          break;
        case ListenerMode::TopK:
          route.topk_listeners.push_back(session);
          break;
        case ListenerMode::Mix:
          route.mix_listeners.push_back(session);
          break;
      }
    }
    settings.mix_listeners = route.mix_listeners;
    if (forwarded.empty()) {
      snapshot.listeners.erase(id);
    } else {
      snapshot.listeners[id] = std::move(forwarded);
    }
    snapshot.engine.emplace(id, std::move(route));
    engine->channels.push_back(std::move(settings));
  }
  snapshot.engine_channels = std::move(engine);
}

}  // namespace plenum::server::voice
