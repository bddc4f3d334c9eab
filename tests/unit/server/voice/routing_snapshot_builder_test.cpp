// Who hears whom (MUMBLE_PROTOCOL.md §5), from a real ServerState through the snapshot builder
// and the router the voice plane uses.
#include "server/voice/routing_snapshot_builder.hpp"
#include "server/voice/voice_router.hpp"
#include "unit/server/state/state_fixture.hpp"

#include <doctest/doctest.h>

#include <map>

namespace plenum::server::voice {
namespace {

using protocol::AudioContext;
using state::ChannelId;
using state::kRootChannel;
using state::Permission;
using state::testing::acl;

struct Routing : state::testing::StateFixture {
  std::map<SessionId, VoiceTargets> targets;

  std::shared_ptr<const RoutingSnapshot> snapshot() {
    return build_routing_snapshot(state, [this](SessionId id) -> const VoiceTargets* {
      const auto it = targets.find(id);
      return it == targets.end() ? nullptr : &it->second;
    });
  }

  // The receivers of a packet from `speaker` to `target`, with the outcome checked.
  std::vector<Delivery> route(SessionId speaker, std::uint8_t target,
                              RouteOutcome expected = RouteOutcome::Routed) {
    std::vector<Delivery> out{{999, AudioContext::Listen}};  // route_voice clears it
    CHECK(route_voice(*snapshot(), speaker, target, out) == expected);
    return out;
  }

  state::ConnectedUser& user_of(SessionId session) { return *state.users().find(session); }

  // `channel` (inheriting ACLs) gets the group "delegates" with registered user 7 in it.
  void add_delegates(ChannelId channel) {
    state::ChannelGroup delegates;
    delegates.name = "delegates";
    delegates.add = {7};
    REQUIRE(state.channels().set_access(channel, true, {}, {delegates}));
  }
};

MumbleProto::VoiceTarget to_sessions(std::uint32_t id, std::initializer_list<SessionId> sessions) {
  MumbleProto::VoiceTarget target;
  target.set_id(id);
  auto* entry = target.add_targets();
  for (const SessionId session : sessions) entry->add_session(session);
  return target;
}

MumbleProto::VoiceTarget to_channel(std::uint32_t id, ChannelId channel, bool links, bool children,
                                    const std::string& group = {}) {
  MumbleProto::VoiceTarget target;
  target.set_id(id);
  auto* entry = target.add_targets();
  entry->set_channel_id(channel);
  entry->set_links(links);
  entry->set_children(children);
  if (!group.empty()) entry->set_group(group);
  return target;
}

std::vector<Delivery> normal(std::initializer_list<SessionId> sessions) {
  std::vector<Delivery> out;
  for (const SessionId session : sessions) out.push_back({session, AudioContext::Normal});
  return out;
}

}  // namespace

TEST_SUITE("voice.routing") {
  TEST_CASE("normal talk reaches the rest of the speaker's channel and nobody elsewhere") {
    Routing f;
    const ChannelId a = f.channel(kRootChannel, "A");
    const ChannelId b = f.channel(kRootChannel, "B");
    const SessionId alice = f.user("alice", a);
    const SessionId bob = f.user("bob", a);
    const SessionId carol = f.user("carol", b);
    const SessionId dave = f.user("dave", a);
    CHECK(f.route(alice, 0) == normal({bob, dave}));
    CHECK(f.route(carol, 0).empty());
    f.route(12345, 0, RouteOutcome::Unrouted);
    CHECK(f.snapshot()->user_count == 4);
  }

  TEST_CASE("links carry normal talk, transitively, where the speaker may Speak") {
    Routing f;
    const ChannelId a = f.channel(kRootChannel, "A");
    const ChannelId b = f.channel(kRootChannel, "B");
    const ChannelId c = f.channel(kRootChannel, "C");
    const SessionId alice = f.user("alice", a);
    const SessionId bob = f.user("bob", b);
    const SessionId carol = f.user("carol", c);
    REQUIRE(f.state.channels().link(a, b));
    REQUIRE(f.state.channels().link(b, c));
    CHECK(f.route(alice, 0) == normal({bob, carol}));
    CHECK(f.route(carol, 0) == normal({alice, bob}));

    f.acls(c, {acl("all", {}, Permission::Speak)});  // nobody speaks into C
    CHECK(f.route(alice, 0) == normal({bob}));
  }

  TEST_CASE("muted, suppressed and self-muted speakers are not forwarded at all") {
    Routing f;
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob");
    f.targets[alice][1] = to_sessions(1, {bob});
    CHECK(f.route(alice, 0) == normal({bob}));
    SUBCASE("self-muted") { f.user_of(alice).self_mute = true; }
    SUBCASE("muted by an admin") { f.user_of(alice).mute = true; }
    SUBCASE("suppressed") { f.user_of(alice).suppress = true; }
    f.route(alice, 0, RouteOutcome::Silenced);
    f.route(alice, 1, RouteOutcome::Silenced);
    f.route(alice, 31, RouteOutcome::Silenced);
  }

  TEST_CASE("deafened users hear nothing by any route") {
    Routing f;
    const ChannelId a = f.channel(kRootChannel, "A");
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob");
    const SessionId carol = f.user("carol", a);
    f.targets[alice][1] = to_sessions(1, {bob, carol});
    f.targets[alice][2] = to_channel(2, kRootChannel, false, true);
    SUBCASE("deaf") {
      f.user_of(bob).deaf = true;
      f.user_of(carol).deaf = true;
    }
    SUBCASE("self-deaf") {
      f.user_of(bob).self_deaf = true;
      f.user_of(carol).self_deaf = true;
    }
    CHECK(f.route(alice, 0).empty());
    CHECK(f.route(alice, 1).empty());
    CHECK(f.route(alice, 2).empty());
    CHECK(f.snapshot()->listeners_in(kRootChannel).size() == 1);  // alice only
  }

  TEST_CASE("loopback returns to the speaker alone") {
    Routing f;
    const SessionId alice = f.user("alice");
    f.user("bob");
    CHECK(f.route(alice, 31) == normal({alice}));
  }

  TEST_CASE("a whisper to users reaches them as context 2 where the speaker may Whisper") {
    Routing f;
    const ChannelId a = f.channel(kRootChannel, "A");
    const ChannelId closed = f.channel(kRootChannel, "Closed");
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", a);
    const SessionId carol = f.user("carol", closed);
    const SessionId dave = f.user("dave");
    f.acls(closed, {acl("all", {}, Permission::Whisper)});
    f.targets[alice][3] = to_sessions(3, {bob, carol, alice, 777});
    CHECK(f.route(alice, 3) == std::vector<Delivery>{{bob, AudioContext::Whisper}});
    f.route(alice, 4, RouteOutcome::UnknownTarget);
    f.route(dave, 3, RouteOutcome::UnknownTarget);  // targets are per speaker
    CHECK(f.route(alice, 0) == normal({dave}));
  }

  TEST_CASE("a shout covers a channel, its links and its children as context 1") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    const ChannelId room = f.channel(hall, "Room");
    const ChannelId annex = f.channel(kRootChannel, "Annex");
    const ChannelId other = f.channel(kRootChannel, "Other");
    REQUIRE(f.state.channels().link(hall, annex));
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", hall);
    const SessionId carol = f.user("carol", room);
    const SessionId dave = f.user("dave", annex);
    f.user("erin", other);
    const auto shout = [](std::initializer_list<SessionId> sessions) {
      std::vector<Delivery> out;
      for (const SessionId session : sessions) out.push_back({session, AudioContext::Shout});
      return out;
    };
    f.targets[alice][1] = to_channel(1, hall, false, false);
    f.targets[alice][2] = to_channel(2, hall, false, true);
    f.targets[alice][3] = to_channel(3, hall, true, false);
    f.targets[alice][4] = to_channel(4, hall, true, true);
    CHECK(f.route(alice, 1) == shout({bob}));
    CHECK(f.route(alice, 2) == shout({bob, carol}));
    CHECK(f.route(alice, 3) == shout({bob, dave}));
    CHECK(f.route(alice, 4) == shout({bob, carol, dave}));

    f.acls(room, {acl("all", {}, Permission::Whisper)});
    CHECK(f.route(alice, 4) == shout({bob, dave}));
    // The speaker's own channel, when targeted, never sends back to the speaker.
    f.targets[alice][5] = to_channel(5, kRootChannel, false, false);
    CHECK(f.route(alice, 5).empty());
  }

  TEST_CASE("a shout restricted to a group reaches only the group's members") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    f.add_delegates(hall);
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", hall, 7);
    f.user("carol", hall, 8);
    f.user("dave", hall);
    f.targets[alice][1] = to_channel(1, hall, false, false, "delegates");
    CHECK(f.route(alice, 1) == std::vector<Delivery>{{bob, AudioContext::Shout}});
    f.targets[alice][2] = to_channel(2, hall, false, false, "!delegates");
    CHECK(f.route(alice, 2).size() == 2);
  }

  TEST_CASE("someone both shouted at and whispered to hears the shout, once") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", hall);
    const SessionId carol = f.user("carol");
    MumbleProto::VoiceTarget both = to_channel(6, hall, false, false);
    both.add_targets()->add_session(bob);
    both.add_targets()->add_session(carol);
    both.add_targets()->add_session(carol);
    f.targets[alice][6] = both;
    CHECK(f.route(alice, 6) ==
          std::vector<Delivery>{{bob, AudioContext::Shout}, {carol, AudioContext::Whisper}});
  }

  TEST_CASE("channel listeners hear a channel's normal talk as context 3, members stay 0") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    const ChannelId lobby = f.channel(kRootChannel, "Lobby");
    const SessionId alice = f.user("alice", hall);
    const SessionId bob = f.user("bob", hall);
    const SessionId carol = f.user("carol", lobby);
    const SessionId dave = f.user("dave", lobby);
    f.user_of(carol).listening.insert(hall);
    f.user_of(bob).listening.insert(hall);  // a member listening to its own channel: still 0
    f.user_of(alice).listening.insert(hall);
    CHECK(f.route(alice, 0) ==
          std::vector<Delivery>{{bob, AudioContext::Normal}, {carol, AudioContext::Listen}});
    // The listener never hears its own voice back; dave, who does not listen, hears nothing.
    CHECK(f.route(carol, 0) == normal({dave}));
    CHECK(f.route(bob, 0) ==
          std::vector<Delivery>{{alice, AudioContext::Normal}, {carol, AudioContext::Listen}});

    SUBCASE("deaf listeners get nothing") {
      f.user_of(carol).self_deaf = true;
      CHECK(f.route(alice, 0) == normal({bob}));
    }
    SUBCASE("a listener that moves into the channel hears it as a member") {
      REQUIRE(f.state.enter_channel(carol, hall).has_value());
      CHECK(f.route(alice, 0) == normal({bob, carol}));
    }
    SUBCASE("a listener of several linked channels hears the talk once") {
      const ChannelId annex = f.channel(kRootChannel, "Annex");
      REQUIRE(f.state.channels().link(hall, annex));
      f.user_of(carol).listening.insert(annex);
      f.user_of(dave).listening.insert(annex);
      CHECK(f.route(alice, 0) == std::vector<Delivery>{{bob, AudioContext::Normal},
                                                       {carol, AudioContext::Listen},
                                                       {dave, AudioContext::Listen}});
    }
  }

  TEST_CASE("a shout reaches the channel's listeners as context 3 unless they hear it closer") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    const ChannelId lobby = f.channel(kRootChannel, "Lobby");
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", hall);
    const SessionId carol = f.user("carol", lobby);
    const SessionId dave = f.user("dave", lobby);
    const SessionId erin = f.user("erin", lobby);
    f.user_of(carol).listening.insert(hall);
    f.user_of(dave).listening.insert(hall);
    f.user_of(alice).listening.insert(hall);  // the speaker itself listens: still excluded
    MumbleProto::VoiceTarget shout = to_channel(1, hall, false, false);
    shout.add_targets()->add_session(dave);  // whispered to as well: 2 beats 3
    f.targets[alice][1] = shout;
    CHECK(f.route(alice, 1) == std::vector<Delivery>{{bob, AudioContext::Shout},
                                                     {carol, AudioContext::Listen},
                                                     {dave, AudioContext::Whisper}});
    f.targets[alice][2] = to_channel(2, lobby, false, false);
    // erin listens to nothing; carol and dave are members of the shouted channel.
    CHECK(f.route(alice, 2) == std::vector<Delivery>{{carol, AudioContext::Shout},
                                                     {dave, AudioContext::Shout},
                                                     {erin, AudioContext::Shout}});
    // Without Whisper in the hall, neither its members nor its listeners hear the shout.
    f.acls(hall, {acl("all", {}, Permission::Whisper)});
    CHECK(f.route(alice, 1) == std::vector<Delivery>{{dave, AudioContext::Whisper}});
  }

  TEST_CASE("listeners hear with their volume, and through several channels the loudest wins") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    const ChannelId annex = f.channel(kRootChannel, "Annex");
    const ChannelId lobby = f.channel(kRootChannel, "Lobby");
    REQUIRE(f.state.channels().link(hall, annex));
    const SessionId alice = f.user("alice", hall);
    const SessionId carol = f.user("carol", lobby);
    const SessionId dave = f.user("dave", lobby);
    const SessionId erin = f.user("erin", lobby);
    f.user_of(carol).listening.insert(hall, 0.5F);
    f.user_of(carol).listening.insert(annex, 2.0F);
    f.user_of(dave).listening.insert(annex, 0.25F);
    f.user_of(erin).listening.insert(hall, 4.0F);
    f.user_of(erin).listening.insert(annex);
    const auto snapshot = f.snapshot();
    CHECK(std::vector<ChannelListener>(snapshot->channel_listeners_of(hall).begin(),
                                       snapshot->channel_listeners_of(hall).end()) ==
          std::vector<ChannelListener>{{carol, lobby, 0.5F}, {erin, lobby, 4.0F}});
    const std::vector<Delivery> loudest{{carol, AudioContext::Listen, 2.0F},
                                        {dave, AudioContext::Listen, 0.25F},
                                        {erin, AudioContext::Listen, 4.0F}};
    CHECK(f.route(alice, 0) == loudest);
    f.targets[alice][1] = to_channel(1, hall, true, false);
    CHECK(f.route(alice, 1) == loudest);

    SUBCASE("heard only through one channel: that channel's volume") {
      f.targets[alice][2] = to_channel(2, hall, false, false);
      CHECK(f.route(alice, 2) == std::vector<Delivery>{{carol, AudioContext::Listen, 0.5F},
                                                       {erin, AudioContext::Listen, 4.0F}});
    }
    SUBCASE("a listener also whispered to hears the whisper unchanged") {
      MumbleProto::VoiceTarget both = to_channel(3, hall, false, false);
      both.add_targets()->add_session(carol);
      f.targets[alice][3] = both;
      CHECK(f.route(alice, 3) == std::vector<Delivery>{{carol, AudioContext::Whisper, 1.0F},
                                                       {erin, AudioContext::Listen, 4.0F}});
    }
  }

  TEST_CASE("a group-restricted shout reaches only listeners in the group") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    f.add_delegates(hall);
    const SessionId alice = f.user("alice");
    const SessionId bob = f.user("bob", kRootChannel, 7);
    const SessionId carol = f.user("carol", kRootChannel, 8);
    f.user_of(bob).listening.insert(hall);
    f.user_of(carol).listening.insert(hall);
    f.targets[alice][1] = to_channel(1, hall, false, false, "delegates");
    CHECK(f.route(alice, 1) == std::vector<Delivery>{{bob, AudioContext::Listen}});
  }

  TEST_CASE("bots are not counted as users") {
    Routing f;
    f.user("alice");
    const SessionId bot = f.user("recorder");
    f.user_of(bot).bot = true;
    CHECK(f.snapshot()->user_count == 1);
  }
}

}  // namespace plenum::server::voice

namespace plenum::server::voice {

TEST_SUITE("voice.routing.engine") {
  using config::ListenerMode;

  TEST_CASE("a mix channel's members listen through the engine, a user's own mode wins") {
    Routing f;
    const ChannelId hall = f.channel(kRootChannel, "Hall");
    state::PlenarySettings plenary;
    plenary.mode = ListenerMode::Mix;
    plenary.topk = 6;
    REQUIRE(f.state.channels().set_plenary(hall, plenary));
    const SessionId ada = f.user("Ada", hall);
    const SessionId bo = f.user("Bo", hall);
    const SessionId cy = f.user("Cy", hall);
    const SessionId di = f.user("Di", kRootChannel);
    f.user_of(bo).listener_mode = ListenerMode::All;
    f.user_of(cy).listener_mode = ListenerMode::TopK;
    f.user_of(ada).priority_speaker = true;

    EngineContext context;
    context.defaults.gate_db_below_full_scale = 40;
    context.mix_user_of = [hall](ChannelId channel) { return channel == hall ? 900U : 0U; };
    const auto snapshot = build_routing_snapshot(f.state, {}, &context);

    CHECK(engine_channel_ids(f.state, context.defaults) == std::vector<ChannelId>{hall});
    const EngineRoute* route = snapshot->engine_route(hall);
    REQUIRE(route != nullptr);
    CHECK(route->mix_user == 900);
    CHECK(route->mix_listeners == std::vector<SessionId>{ada});
    CHECK(route->topk_listeners == std::vector<SessionId>{cy});
    CHECK(std::vector<SessionId>(snapshot->listeners_in(hall).begin(), snapshot->listeners_in(hall).end()) ==
          std::vector<SessionId>{bo});
    CHECK(snapshot->engine_route(kRootChannel) == nullptr);
    CHECK(snapshot->listeners_in(kRootChannel).size() == 1);

    REQUIRE(snapshot->engine_channels != nullptr);
    REQUIRE(snapshot->engine_channels->channels.size() == 1);
    const audio::EngineChannel& engine = snapshot->engine_channels->channels[0];
    CHECK(engine.channel == hall);
    CHECK(engine.k == 6);
    CHECK(engine.bitrate_bps == 16000);
    CHECK(engine.gate_dbfs == doctest::Approx(-40.0));
    CHECK(engine.priority == std::vector<SessionId>{ada});
    CHECK(engine.mix_listeners == std::vector<SessionId>{ada});

    // Bo in all mode hears Ada's talk as before; Cy (topk) only once the engine selects her.
    std::vector<Delivery> out;
    CHECK(route_voice(*snapshot, ada, 0, out) == RouteOutcome::Routed);
    CHECK(out == normal({bo}));
    audio::SelectionSnapshot selected;
    selected.channels.push_back({hall, {ada}, {}, false});
    CHECK(route_voice(*snapshot, ada, 0, out, &selected) == RouteOutcome::Routed);
    CHECK(out == normal({bo, cy}));
    selected.channels[0] = {hall, {}, {ada}, true};
    CHECK(route_voice(*snapshot, ada, 0, out, &selected) == RouteOutcome::OpenMicrophone);
    (void)di;
  }

  TEST_CASE("one user in topk makes its channel an engine channel, defaults fill the settings") {
    Routing f;
    const SessionId ada = f.user("Ada");
    f.user("Bo");
    f.user_of(ada).listener_mode = ListenerMode::TopK;
    EngineContext context;
    context.defaults.topk = 3;
    context.defaults.mix_bitrate_bps = 24000;
    context.defaults.transmit = config::TransmitPolicy::Auto;
    context.defaults.auto_ptt_open_mics = 7;
    context.floor_of = [](ChannelId) { return std::vector<SessionId>{5, 2}; };
    const auto snapshot = build_routing_snapshot(f.state, {}, &context);
    REQUIRE(snapshot->engine_channels->channels.size() == 1);
    const audio::EngineChannel& engine = snapshot->engine_channels->channels[0];
    CHECK(engine.channel == kRootChannel);
    CHECK(engine.k == 3);
    CHECK(engine.bitrate_bps == 24000);
    CHECK(engine.transmit == config::TransmitPolicy::Auto);
    CHECK(engine.auto_ptt_open_mics == 7);
    CHECK(engine.floor == std::vector<SessionId>{2, 5});
    CHECK(snapshot->engine_route(kRootChannel)->topk_listeners == std::vector<SessionId>{ada});

    // Without a context (tests, tools) every channel forwards.
    CHECK(build_routing_snapshot(f.state, {})->engine.empty());
  }
}

}  // namespace plenum::server::voice
