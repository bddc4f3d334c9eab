#include "server/voice/routing_snapshot_builder.hpp"

#include "server/state/acl.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace plenum::server::voice {

namespace {

using protocol::AudioContext;
using state::Permission;

// The channels one VoiceTarget.Target channel entry covers (§5): the channel, or everything
// linked to it (itself included) with `links`, plus all descendants with `children`.
std::set<ChannelId> covered_channels(const state::ChannelTree& tree,
                                     const MumbleProto::VoiceTarget::Target& entry) {
  std::set<ChannelId> channels;
  const ChannelId start = entry.channel_id();
  if (!tree.contains(start)) return channels;
  if (entry.links()) {
    channels = tree.all_links(start);
  } else {
    channels.insert(start);
  }
  if (entry.children()) {
    for (const ChannelId child : tree.descendants(start)) channels.insert(child);
  }
  return channels;
}

// What resolving one speaker's targets may read and spend. `members` holds the hearing members
// of each channel, built once per snapshot (scanning every user per covered channel made a
// shout to the root with children cost channels x users). `budget` counts the channels and
// receivers one speaker's targets may visit in one snapshot: past it the remaining targets
// resolve to nobody, so what one client registers costs a bounded share of each rebuild
// (issue 12, defect 2) whatever it asks for.
struct ResolveContext {
  const state::ServerState& state;
  const ChannelListeners& listeners;
  const std::unordered_map<ChannelId, std::vector<SessionId>>& members;
  std::size_t budget;

  bool spend(std::size_t visits) noexcept {
    if (visits > budget) {
      budget = 0;
      return false;
    }
    budget -= visits;
    return true;
  }
};

std::size_t speaker_budget(const state::ServerState& state) {
  return 4 * (state.users().size() + state.channels().size()) + 1024;
}

// Whether a receiver passes a channel entry's group filter. The group is evaluated in the target
// channel itself, as Murmur's Group::isMember(tc, tc); it applies to channel listeners too, so a
// shout meant for a group never leaks to a listener outside it.
bool in_group(const state::ServerState& state, ChannelId channel,
              const MumbleProto::VoiceTarget::Target& entry, SessionId session) {
  if (entry.group().empty()) return true;
  const state::ConnectedUser* user = state.users().find(session);
  return user != nullptr && state::group_applies(state.channels(), channel, channel, entry.group(),
                                                 user->acl_subject());
}

// Listeners by session, each with the loudest volume of the channels it hears the shout through
// (§5; Murmur's Server::addListener).
using ListenVolumes = std::map<SessionId, float>;

// Members of each covered channel where the speaker has Whisper shout (context 1); the channels'
// listeners hear it with context 3 (§5).
void add_shout_receivers(ResolveContext& scope, SessionId speaker,
                         const MumbleProto::VoiceTarget::Target& entry, std::set<SessionId>& shout,
                         ListenVolumes& listen) {
  const state::ServerState& state = scope.state;
  const std::set<ChannelId> channels = covered_channels(state.channels(), entry);
  if (!scope.spend(channels.size())) return;
  for (const ChannelId channel : channels) {
    if (!state.has_permission(speaker, channel, Permission::Whisper)) continue;
    if (const auto members = scope.members.find(channel); members != scope.members.end()) {
      if (!scope.spend(members->second.size())) return;
      for (const SessionId member : members->second) {
        if (in_group(state, channel, entry, member)) shout.insert(member);
      }
    }
    const auto it = scope.listeners.find(channel);
    if (it == scope.listeners.end()) continue;
    if (!scope.spend(it->second.size())) return;
    for (const ChannelListener& listener : it->second) {
      if (!in_group(state, channel, entry, listener.session)) continue;
      const auto [it_volume, added] = listen.emplace(listener.session, listener.volume);
      if (!added) it_volume->second = std::max(it_volume->second, listener.volume);
    }
  }
}

// Channels linked to each channel (transitively), computed once per channel per snapshot.
using LinkCache = std::map<ChannelId, std::set<ChannelId>>;

const std::set<ChannelId>& links_of(const state::ChannelTree& tree, ChannelId channel, LinkCache& cache) {
  auto it = cache.find(channel);
  if (it == cache.end()) it = cache.emplace(channel, tree.all_links(channel)).first;
  return it->second;
}

std::vector<Delivery> resolve_target(ResolveContext& scope, SessionId speaker,
                                     const MumbleProto::VoiceTarget& target);

SpeakerRoutes routes_of(ResolveContext& scope, const state::ConnectedUser& user,
                        const VoiceTargets* targets, LinkCache& links) {
  const state::ServerState& state = scope.state;
  SpeakerRoutes routes;
  routes.channel = user.channel;
  routes.silenced = user.silenced();
  if (routes.silenced) return routes;
  routes.normal_channels.push_back(user.channel);
  for (const ChannelId linked : links_of(state.channels(), user.channel, links)) {
    if (linked != user.channel && state.has_permission(user.session, linked, Permission::Speak)) {
      routes.normal_channels.push_back(linked);
    }
  }
  if (targets == nullptr) return routes;
  for (const auto& [id, target] : *targets) {
    if (id < 1 || id > 30) continue;
    routes.whisper_targets.emplace_back(static_cast<std::uint8_t>(id),
                                        resolve_target(scope, user.session, target));
  }
  return routes;
}

// Hearing members of each channel, ascending sessions (the snapshot's `listeners`).
std::unordered_map<ChannelId, std::vector<SessionId>> hearing_members(const state::ServerState& state) {
  std::unordered_map<ChannelId, std::vector<SessionId>> members;
  for (const auto& [session, user] : state.users().users()) {
    if (!user.hears_nothing()) members[user.channel].push_back(session);
  }
  return members;
}

std::vector<Delivery> resolve_target(ResolveContext& scope, SessionId speaker,
                                     const MumbleProto::VoiceTarget& target) {
  const state::ServerState& state = scope.state;
  std::set<SessionId> shout;
  std::set<SessionId> whisper;
  ListenVolumes listen;
  for (const auto& entry : target.targets()) {
    if (!entry.has_channel_id()) continue;
    add_shout_receivers(scope, speaker, entry, shout, listen);
  }
  for (const auto& entry : target.targets()) {
    if (!scope.spend(static_cast<std::size_t>(entry.session_size()))) break;
    for (const SessionId session : entry.session()) {
      const state::ConnectedUser* user = state.users().find(session);
      if (user == nullptr || shout.contains(session)) continue;
      if (state.has_permission(speaker, user->channel, Permission::Whisper)) whisper.insert(session);
    }
  }
  std::vector<Delivery> out;
  const auto add = [&](SessionId session, AudioContext context, float volume) {
    const state::ConnectedUser* user = state.users().find(session);
    if (session == speaker || user == nullptr || user->hears_nothing()) return;
    out.push_back({session, context, volume});
  };
  // The smallest context wins: shout < whisper < listen. The volume applies to context 3 only:
  // a listener who also hears the shout as a member or a whisper gets it unchanged (Murmur's
  // AudioReceiverBuffer would keep the louder volume with the smaller context).
  for (const SessionId session : shout) add(session, AudioContext::Shout, 1.0F);
  for (const SessionId session : whisper) add(session, AudioContext::Whisper, 1.0F);
  for (const auto& [session, volume] : listen) {
    if (!shout.contains(session) && !whisper.contains(session)) {
      add(session, AudioContext::Listen, volume);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Delivery& a, const Delivery& b) { return a.receiver < b.receiver; });
  return out;
}

}  // namespace

std::vector<Delivery> resolve_voice_target(const state::ServerState& state,
                                           const ChannelListeners& listeners, SessionId speaker,
                                           const MumbleProto::VoiceTarget& target) {
  const auto members = hearing_members(state);
  ResolveContext scope{state, listeners, members, speaker_budget(state)};
  return resolve_target(scope, speaker, target);
}

ChannelListeners channel_listeners_of(const state::ServerState& state) {
  ChannelListeners out;
  // Ascending sessions (std::map), so each channel's list comes out sorted.
  for (const auto& [session, user] : state.users().users()) {
    if (user.hears_nothing()) continue;
    for (const auto& [channel, volume] : user.listening) {
      // A listener inside the channel hears it as a member already.
      if (channel != user.channel) out[channel].push_back({session, user.channel, volume});
    }
  }
  return out;
}

std::shared_ptr<const RoutingSnapshot> build_routing_snapshot(const state::ServerState& state,
                                                              const VoiceTargetsOf& targets_of,
                                                              const EngineContext* engine) {
  auto snapshot = std::make_shared<RoutingSnapshot>();
  const auto& users = state.users().users();
  snapshot->speakers.reserve(users.size());
  snapshot->channel_listeners = channel_listeners_of(state);
  // Ascending sessions (std::map), so each channel's member list comes out sorted.
  snapshot->listeners = hearing_members(state);
  LinkCache links;
  const std::size_t budget = speaker_budget(state);
  for (const auto& [session, user] : users) {
    if (!user.bot) ++snapshot->user_count;
    const VoiceTargets* targets = targets_of ? targets_of(session) : nullptr;
    ResolveContext scope{state, snapshot->channel_listeners, snapshot->listeners, budget};
    snapshot->speakers.emplace(session, routes_of(scope, user, targets, links));
  }
  if (engine != nullptr) add_engine_routes(state, *engine, *snapshot);
  return snapshot;
}

}  // namespace plenum::server::voice
