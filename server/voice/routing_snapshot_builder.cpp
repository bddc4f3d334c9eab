#include "server/voice/routing_snapshot_builder.hpp"

#include "server/state/acl.hpp"

#include <algorithm>
#include <map>
#include <set>

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

void add_shout_receivers(const state::ServerState& state, SessionId speaker,
                         const MumbleProto::VoiceTarget::Target& entry, std::set<SessionId>& shout) {
  const auto& tree = state.channels();
  for (const ChannelId channel : covered_channels(tree, entry)) {
    if (!state.has_permission(speaker, channel, Permission::Whisper)) continue;
    for (const SessionId member : state.users().in_channel(channel)) {
      const state::ConnectedUser* user = state.users().find(member);
      // The group is evaluated in the target channel itself, as Murmur's Group::isMember(tc, tc).
      if (!entry.group().empty() &&
          !state::group_applies(tree, channel, channel, entry.group(), user->acl_subject())) {
        continue;
      }
      shout.insert(member);
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

SpeakerRoutes routes_of(const state::ServerState& state, const state::ConnectedUser& user,
                        const VoiceTargets* targets, LinkCache& links) {
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
                                        resolve_voice_target(state, user.session, target));
  }
  return routes;
}

}  // namespace

std::vector<Delivery> resolve_voice_target(const state::ServerState& state, SessionId speaker,
                                           const MumbleProto::VoiceTarget& target) {
  std::set<SessionId> shout;
  std::set<SessionId> whisper;
  for (const auto& entry : target.targets()) {
    if (entry.has_channel_id()) add_shout_receivers(state, speaker, entry, shout);
  }
  for (const auto& entry : target.targets()) {
    for (const SessionId session : entry.session()) {
      const state::ConnectedUser* user = state.users().find(session);
      if (user == nullptr || shout.contains(session)) continue;
      if (state.has_permission(speaker, user->channel, Permission::Whisper)) whisper.insert(session);
    }
  }
  std::vector<Delivery> out;
  const auto add = [&](SessionId session, AudioContext context) {
    const state::ConnectedUser* user = state.users().find(session);
    if (session == speaker || user == nullptr || user->hears_nothing()) return;
    out.push_back({session, context});
  };
  for (const SessionId session : shout) add(session, AudioContext::Shout);
  for (const SessionId session : whisper) add(session, AudioContext::Whisper);
  std::sort(out.begin(), out.end(),
            [](const Delivery& a, const Delivery& b) { return a.receiver < b.receiver; });
  return out;
}

std::shared_ptr<const RoutingSnapshot> build_routing_snapshot(const state::ServerState& state,
                                                              const VoiceTargetsOf& targets_of) {
  auto snapshot = std::make_shared<RoutingSnapshot>();
  const auto& users = state.users().users();
  snapshot->speakers.reserve(users.size());
  LinkCache links;
  // Ascending sessions (std::map), so each channel's listener list comes out sorted.
  for (const auto& [session, user] : users) {
    if (!user.bot) ++snapshot->user_count;
    if (!user.hears_nothing()) snapshot->listeners[user.channel].push_back(session);
    const VoiceTargets* targets = targets_of ? targets_of(session) : nullptr;
    snapshot->speakers.emplace(session, routes_of(state, user, targets, links));
  }
  return snapshot;
}

}  // namespace plenum::server::voice
