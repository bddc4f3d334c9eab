// Floor control against the real server (DESIGN.md §4, issue 11): a moderated channel silences
// members until a chair gives them the floor, the speaker queue with points of order in fifo and
// first-time-first order, next/give/take, the speaking-time limit with its warning, mute-all,
// and a member's chair command refused. Every client sees the suppression; plenum-cli's
// extension field carries the same state.
#include "tests/integration/plenary_steps.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

namespace plenum::test {
namespace {

// A plenary hall whose chairs hold the "chair" token; the chair is in it, and so are members.
struct Hall {
  std::unique_ptr<PlenumProcess> server;
  std::uint32_t id = 0;
  LoggedIn chair;
  std::vector<LoggedIn> members;
};

Hall open_hall(const std::vector<std::string>& member_names, bool moderated, const std::string& queue = "fifo") {
  Hall hall;
  hall.server = start_with_superuser();
  {
    auto admin = log_in_superuser(*hall.server);
    hall.id = create_channel(*admin.client, 0, "Hall");
    set_acl(*admin.client, hall.id, {group_rule("#chair", kPermMuteDeafen, 0)});
    if (moderated) {
      enter_channel(*admin.client, hall.id);
      CHECK(contains(command(*admin.client, "/channel moderated on"), "moderated on"));
      CHECK(contains(command(*admin.client, "/channel queue " + queue), "queue " + queue));
    }
  }
  hall.chair = log_in_with_tokens(*hall.server, "chair", {"chair"});
  enter_channel(*hall.chair.client, hall.id);
  for (const auto& name : member_names) {
    auto member = log_in(*hall.server, name);
    REQUIRE_MESSAGE(member.handshake.synced(), member.handshake.describe());
    enter_channel(*member.client, hall.id);
    hall.members.push_back(std::move(member));
  }
  sync(*hall.chair.client);
  for (auto& member : hall.members) sync(*member.client);
  return hall;
}

TEST_CASE("floor: a moderated channel silences members until a chair gives them the floor") {
  auto hall = open_hall({"alice", "bob", "carol"}, true);
  auto& chair = *hall.chair.client;
  auto& alice = *hall.members[0].client;
  auto& bob = *hall.members[1].client;
  auto& carol = *hall.members[2].client;
  // Members came in suppressed; the chair speaks.
  for (auto* member : {&alice, &bob, &carol}) {
    CHECK(wait_suppress(chair, member->session(), true));
  }
  CHECK_FALSE(chair.model().user(chair.session())->suppress());

  CHECK(contains(command(alice, "/hand budget"), "number 1"));
  CHECK(contains(command(bob, "/hand"), "number 2"));
  CHECK(contains(command(carol, "/point"), "number 1"));
  CHECK(wait_announcement(bob, "<b>POINT OF ORDER</b> from carol"));
  const std::string queue = command(alice, "/queue");
  CHECK(contains(queue, "1. carol — <b>POINT OF ORDER</b><br>2. alice — budget<br>3. bob"));

  // A member's chair command is refused, with PermissionDenied and a line.
  CHECK(contains(command(alice, "/next"), "Only chairs"));
  const auto denied = alice.wait_for<MumbleProto::PermissionDenied>(
      [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(kStep));
  REQUIRE(denied.has_value());
  CHECK(denied->permission() == kPermMuteDeafen);

  say_to_channel(chair, "/next");
  CHECK(wait_announcement(alice, "carol has the floor (point of order). Next: alice."));
  CHECK(wait_suppress(bob, carol.session(), false));
  say_to_channel(chair, "/next");
  CHECK(wait_announcement(bob, "alice has the floor — budget. Next: bob."));
  CHECK(wait_suppress(bob, carol.session(), true));
  CHECK(wait_suppress(bob, alice.session(), false));
  say_to_channel(chair, "/give bob");
  CHECK(wait_announcement(carol, "bob has the floor (given by chair)."));
  CHECK(wait_suppress(carol, bob.session(), false));
  CHECK_FALSE(carol.model().user(alice.session())->suppress());  // two may hold the floor

  // plenum-cli's view: the floor holders in the extension field.
  const auto floor = carol.wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) {
        const auto field = plenum_floor_of(s);
        return s.channel_id() == hall.id && field && field->holders_size() == 2;
      },
      deadline_in(kStep));
  REQUIRE(floor.has_value());
  const auto field = *plenum_floor_of(*floor);
  CHECK(field.moderated());
  CHECK(field.holders(0) == alice.session());
  CHECK(field.holders(1) == bob.session());
  CHECK(contains(floor->description(), "Speaking: alice, bob"));

  say_to_channel(chair, "/take alice");
  CHECK(wait_suppress(carol, alice.session(), true));
  say_to_channel(chair, "/take");
  CHECK(wait_announcement(carol, "The floor was taken from bob."));
  CHECK(wait_suppress(carol, bob.session(), true));
  CHECK(contains(command(bob, "/lower"), "not in the queue"));
  CHECK(contains(command(carol, "/hand"), "number 1"));
  CHECK(contains(command(carol, "/lower"), "hand is down"));
  CHECK(contains(command(chair, "/clear"), "The queue is empty"));

  // Leaving the channel gives the floor up; unmoderating lets everyone speak.
  say_to_channel(chair, "/give carol");
  CHECK(wait_suppress(alice, carol.session(), false));
  enter_channel(carol, 0);
  CHECK(wait_announcement(alice, "carol left the channel"));
  enter_channel(carol, hall.id);
  CHECK(wait_suppress(alice, carol.session(), true));
}

TEST_CASE("floor: first-time-first serves those who have not spoken, and the time limit warns and ends") {
  auto hall = open_hall({"alice", "bob"}, true, "first-time-first");
  auto& chair = *hall.chair.client;
  auto& alice = *hall.members[0].client;
  auto& bob = *hall.members[1].client;
  // Settings need Write, which a chair (MuteDeafen) lacks.
  CHECK(contains(command(chair, "/channel queue fifo"), "Only admins"));
  say_to_channel(chair, "/give alice");
  CHECK(wait_suppress(bob, alice.session(), false));
  say_to_channel(chair, "/take");
  CHECK(wait_suppress(bob, alice.session(), true));
  CHECK(contains(command(alice, "/hand"), "number 1"));
  CHECK(contains(command(bob, "/hand"), "number 1"));  // bob has not spoken yet: ahead
  say_to_channel(chair, "/next");
  CHECK(wait_announcement(alice, "bob has the floor. Next: alice."));

  // 11 s: one warning (10 s left), then the floor is taken. Longer limits warn at 30 s too
  // (tests/unit/server/state/floor_state_test.cpp).
  say_to_channel(chair, "/time 11");
  CHECK(wait_announcement(alice, "limited to 11 seconds"));
  say_to_channel(chair, "/next");
  CHECK(wait_announcement(bob, "alice has the floor."));
  const auto warning = alice.wait_for<MumbleProto::TextMessage>(
      [&](const MumbleProto::TextMessage& m) { return is_server_reply(m, alice.session()); },
      deadline_in(std::chrono::seconds(15)));
  REQUIRE(warning.has_value());
  CHECK(warning->message() == "10 seconds of speaking time left.");
  CHECK(wait_announcement(bob, "Time is up for alice.", std::chrono::seconds(20)));
  CHECK(wait_suppress(bob, alice.session(), true));
}

TEST_CASE("floor: /muteall silences every non-chair in an open channel, /unmuteall lifts it") {
  auto hall = open_hall({"alice", "bob"}, false);
  auto& chair = *hall.chair.client;
  auto& alice = *hall.members[0].client;
  auto& bob = *hall.members[1].client;
  CHECK_FALSE(chair.model().user(alice.session())->suppress());
  say_to_channel(chair, "/muteall");
  CHECK(wait_announcement(alice, "chair muted everyone"));
  CHECK(wait_suppress(chair, alice.session(), true));
  CHECK(wait_suppress(chair, bob.session(), true));
  CHECK_FALSE(alice.model().user(chair.session())->suppress());
  say_to_channel(chair, "/give alice");
  CHECK(wait_suppress(bob, alice.session(), false));
  CHECK(contains(command(bob, "/unmuteall"), "Only chairs"));
  say_to_channel(chair, "/unmuteall");
  CHECK(wait_suppress(alice, bob.session(), false));
}

// The mix user's next UserState in `channel` whose plenum_speaking does (or does not) hold
// `session`; consumed in order, so an old state cannot answer a later wait.
bool wait_mix_speaking(MumbleTestClient& client, std::uint32_t mix_user, std::uint32_t session, bool speaking) {
  const auto deadline = deadline_in(kStep);
  while (auto state = client.wait_for<MumbleProto::UserState>(
             [&](const MumbleProto::UserState& s) { return s.session() == mix_user && s.plenum_mix_user(); }, deadline)) {
    const auto& list = state->plenum_speaking();
    if ((std::find(list.begin(), list.end(), session) != list.end()) == speaking) return true;
  }
  return false;
}

TEST_CASE("floor: the audio engine always selects the floor holder, silent or not") {
  auto hall = open_hall({"alice", "bob"}, true);
  auto& chair = *hall.chair.client;
  auto& alice = *hall.members[0].client;
  // A mix listener makes the hall an engine channel, with its virtual mix user.
  CHECK(contains(command(chair, "/mode mix"), "Listening mode: mix (your choice)"));
  const auto mix = chair.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.plenum_mix_user() && s.has_channel_id() && s.channel_id() == hall.id;
      },
      deadline_in(kStep));
  REQUIRE(mix.has_value());
  // Nobody sends audio: only the floor (state/floor_state.hpp, passed to the engine as
  // EngineChannel::floor) can put alice among the selected.
  say_to_channel(chair, "/give alice");
  CHECK(wait_mix_speaking(chair, mix->session(), alice.session(), true));
  say_to_channel(chair, "/take alice");
  CHECK(wait_mix_speaking(chair, mix->session(), alice.session(), false));
}

}  // namespace
}  // namespace plenum::test
