// Anonymous polls and breakout groups against the real server (DESIGN.md §4, issue 11): votes
// counted once per user and changeable, results announced at close, and afterwards neither the
// debug log nor the database holds who voted what; groups made, members spread evenly, and
// `/return` brings everyone back and removes the groups.
#include "tests/integration/plenary_steps.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace plenum::test {
namespace {

std::string database_bytes(const PlenumProcess& server) {
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir())) {
    if (!entry.path().filename().string().starts_with("plenum.sqlite")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return bytes;
}

std::uint32_t hall_with_chair_token(PlenumProcess& server) {
  auto admin = log_in_superuser(server);
  const auto hall = create_channel(*admin.client, 0, "Hall");
  set_acl(*admin.client, hall, {group_rule("#chair", kPermMuteDeafen, 0)});
  return hall;
}

TEST_CASE("polls: one changeable vote per member, counts at close, and no trace of who voted what") {
  PlenumOptions options = admin_options();
  options.log_level = "debug";
  auto server = start_with_superuser(options);
  const auto hall = hall_with_chair_token(*server);
  auto chair = log_in_with_tokens(*server, "chair", {"chair"});
  enter_channel(*chair.client, hall);
  std::vector<LoggedIn> members;
  for (const char* name : {"alice", "bob", "carol"}) {
    members.push_back(log_in(*server, name));
    REQUIRE(members.back().handshake.synced());
    enter_channel(*members.back().client, hall);
  }
  auto& alice = *members[0].client;
  auto& bob = *members[1].client;
  auto& carol = *members[2].client;

  CHECK(contains(command(alice, "/poll \"Lunch?\""), "Only chairs"));
  CHECK(contains(command(alice, "/vote 1"), "No poll is open"));
  say_to_channel(*chair.client,
                 "/poll \"Pizza or pasta for lunch?\" pizza pasta \"no lunch\"");
  CHECK(wait_announcement(bob, "<b>Poll:</b> Pizza or pasta for lunch? — 1. pizza, 2. pasta, 3. no lunch."));
  // The vote entries reach the members' menus, and one of them votes from there.
  const auto entry = carol.wait_for<MumbleProto::ContextActionModify>(
      [](const MumbleProto::ContextActionModify& m) { return m.action() == "plenum.vote.3"; }, deadline_in(kStep));
  REQUIRE(entry.has_value());
  CHECK(entry->text() == "Vote: no lunch");
  CHECK(entry->operation() == MumbleProto::ContextActionModify::Add);

  CHECK(contains(command(alice, "/vote 1"), "counted"));
  CHECK(contains(command(alice, "/vote 1"), "stays"));
  CHECK(contains(command(bob, "/vote 1"), "counted"));
  CHECK(contains(command(bob, "/vote 2"), "changed"));
  CHECK(contains(command(bob, "/vote 9"), "from 1 to 3"));
  MumbleProto::ContextAction action;
  action.set_action("plenum.vote.3");
  carol.send(action, deadline_in(kStep));
  CHECK(contains(next_reply(carol), "counted"));
  say_to_channel(*chair.client, "/close");
  CHECK(wait_announcement(alice, "<b>Poll closed:</b> Pizza or pasta for lunch? — pizza 1, pasta 1, no lunch 1 (3 votes)."));
  const auto removed = carol.wait_for<MumbleProto::ContextActionModify>(
      [](const MumbleProto::ContextActionModify& m) {
        return m.action() == "plenum.vote.3" && m.operation() == MumbleProto::ContextActionModify::Remove;
      },
      deadline_in(kStep));
  CHECK(removed.has_value());
  CHECK(contains(command(alice, "/vote 1"), "No poll is open"));

  members.clear();
  chair.client.reset();
  server->stop();
  const std::string log = server->log();
  CHECK(contains(log, "authenticated"));  // the debug log is there
  for (const char* trace : {"vote", "Vote", "pizza", "pasta", "no lunch", "Lunch", "lunch"}) {
    CHECK_MESSAGE(!contains(log, trace), trace << " in the log:\n" << log);
  }
  const std::string stored = database_bytes(*server);
  REQUIRE_FALSE(stored.empty());
  for (const char* trace : {"pizza", "pasta", "no lunch", "Lunch", "vote"}) {
    CHECK_MESSAGE(!contains(stored, trace), trace << " in the database");
  }
}

TEST_CASE("breakout: groups made under the hall, members spread evenly, /return brings them back") {
  auto server = start_with_superuser();
  const auto hall = hall_with_chair_token(*server);
  auto chair = log_in_with_tokens(*server, "chair", {"chair"});
  enter_channel(*chair.client, hall);
  std::vector<LoggedIn> members;
  for (const char* name : {"m1", "m2", "m3", "m4", "m5"}) {
    members.push_back(log_in(*server, name));
    REQUIRE(members.back().handshake.synced());
    enter_channel(*members.back().client, hall);
  }
  CHECK(contains(command(*members[0].client, "/breakout 2"), "Only chairs"));
  CHECK(contains(command(*chair.client, "/breakout 1"), "Usage"));
  say_to_channel(*chair.client, "/breakout 2");
  auto& watcher = *chair.client;
  std::set<std::uint32_t> groups;
  for (int i = 0; i < 2; ++i) {
    const auto made = watcher.wait_for<MumbleProto::ChannelState>(
        [&](const MumbleProto::ChannelState& s) { return s.parent() == hall && s.name().starts_with("Group "); },
        deadline_in(kStep));
    REQUIRE(made.has_value());
    CHECK(made->temporary());
    groups.insert(made->channel_id());
  }
  REQUIRE(groups.size() == 2);
  std::map<std::uint32_t, int> per_group;
  for (auto& member : members) {
    const auto moved = watcher.wait_for<MumbleProto::UserState>(
        [&](const MumbleProto::UserState& s) {
          return s.session() == member.client->session() && s.has_channel_id() && groups.contains(s.channel_id());
        },
        deadline_in(kStep));
    REQUIRE(moved.has_value());
    ++per_group[moved->channel_id()];
  }
  REQUIRE(per_group.size() == 2);
  CHECK(std::abs(per_group.begin()->second - per_group.rbegin()->second) <= 1);  // 3 and 2
  CHECK(watcher.model().channel_of(watcher.session()) == hall);  // the chair stays

  say_to_channel(*chair.client, "/return");
  for (auto& member : members) {
    CHECK(watcher
              .wait_for<MumbleProto::UserState>(
                  [&](const MumbleProto::UserState& s) {
                    return s.session() == member.client->session() && s.has_channel_id() && s.channel_id() == hall;
                  },
                  deadline_in(kStep))
              .has_value());
  }
  for (const auto group : groups) {
    CHECK(watcher
              .wait_for<MumbleProto::ChannelRemove>(
                  [&](const MumbleProto::ChannelRemove& r) { return r.channel_id() == group; }, deadline_in(kStep))
              .has_value());
  }
  CHECK(wait_announcement(*members[0].client, "welcome back"));
  CHECK(contains(command(*chair.client, "/return"), "No groups"));

  // Choose mode: groups open, nobody is moved; an empty group goes at /return.
  say_to_channel(*chair.client, "/breakout 3 choose");
  CHECK(wait_announcement(*members[1].client, "3 groups are open"));
  std::vector<std::uint32_t> chosen;
  for (int i = 0; i < 3; ++i) {
    const auto made = watcher.wait_for<MumbleProto::ChannelState>(
        [&](const MumbleProto::ChannelState& s) { return s.parent() == hall && s.name().starts_with("Group "); },
        deadline_in(kStep));
    REQUIRE(made.has_value());
    chosen.push_back(made->channel_id());
  }
  enter_channel(*members[1].client, chosen[0]);
  CHECK(members[0].client->model().channel_of(members[0].client->session()) == hall);
  say_to_channel(*chair.client, "/return");
  CHECK(wait_announcement(*members[1].client, "welcome back"));
  CHECK(members[1].client->model().channel_of(members[1].client->session()) == hall);
  for (const auto group : chosen) {
    CHECK(watcher
              .wait_for<MumbleProto::ChannelRemove>(
                  [&](const MumbleProto::ChannelRemove& r) { return r.channel_id() == group; }, deadline_in(kStep))
              .has_value());
  }
}

}  // namespace
}  // namespace plenum::test
