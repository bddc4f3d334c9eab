// Text commands and context actions (DESIGN.md §4): `/mode` and `/channel` against the real
// server, answered to the sender only and never forwarded as chat; the menu entries a legacy
// client receives; channel settings need Write and survive a restart.
#include "tests/integration/plenary_steps.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

namespace plenum::test {
namespace {

// Chat `text` from `from` to its channel, and the next chat `to` receives is exactly that: so
// nothing `from` sent before (a command) reached `to` as chat.
void check_next_chat_is(MumbleTestClient& from, MumbleTestClient& to, const std::string& text) {
  say_to_channel(from, text);
  const auto chat = to.wait_for<MumbleProto::TextMessage>([](const MumbleProto::TextMessage&) { return true; },
                                                          deadline_in(kStep));
  REQUIRE(chat.has_value());
  CHECK(chat->actor() == from.session());
  CHECK(chat->message() == text);
}

TEST_CASE("/mode switches the sender's mode and is answered to the sender only") {
  auto server = start_plenum(admin_options());
  auto alice = log_in(*server, "alice");
  auto bob = log_in(*server, "bob");
  REQUIRE(alice.handshake.synced());
  REQUIRE(bob.handshake.synced());

  CHECK(contains(command(*alice.client, "/mode"), "Listening mode: all (the channel's)"));
  const std::string switched = command(*alice.client, "/mode mix");
  CHECK(contains(switched, "Listening mode: mix (your choice)"));
  CHECK(contains(switched, "default: all"));
  // Plain text, sent to the server itself (plenum-cli) rather than a channel.
  MumbleProto::TextMessage direct;
  direct.set_message("/MODE topk");
  alice.client->send(direct, deadline_in(kStep));
  CHECK(contains(next_reply(*alice.client), "Listening mode: topk"));
  CHECK(contains(command(*alice.client, "/mode"), "Listening mode: topk (your choice)"));
  CHECK(contains(command(*alice.client, "/mode loud"), "Usage: /mode"));
  CHECK(contains(command(*alice.client, "/mode default"), "Listening mode: all (the channel's)"));
  CHECK(contains(command(*alice.client, "/frobnicate now"), "Unknown command /frobnicate"));
  CHECK(contains(command(*alice.client, "/poll \"open"), "not closed"));
  // Bob's mode is his own.
  CHECK(contains(command(*bob.client, "/mode"), "Listening mode: all (the channel's)"));

  const std::string help = command(*alice.client, "/help");
  CHECK(contains(help, "/mode"));
  CHECK(contains(help, "/channel"));
  CHECK(contains(help, "/help"));

  // None of it reached Bob as chat, and a private message starting with '/' to him is chat.
  check_next_chat_is(*alice.client, *bob.client, "hello, room");
  MumbleProto::TextMessage private_message;
  private_message.add_session(bob.client->session());
  private_message.set_message("/mode mix is what I use");
  alice.client->send(private_message, deadline_in(kStep));
  const auto received = bob.client->wait_for<MumbleProto::TextMessage>(
      [](const MumbleProto::TextMessage&) { return true; }, deadline_in(kStep));
  REQUIRE(received.has_value());
  CHECK(received->message() == "/mode mix is what I use");
}

TEST_CASE("a legacy 1.3.4 client receives the menu entries, and a menu entry runs the command") {
  auto server = start_plenum(admin_options());
  auto carol = log_in(*server, "carol", {}, std::nullopt, protocol::Version{1, 3, 4});
  REQUIRE(carol.handshake.synced());
  std::map<std::string, std::uint32_t> actions;  // action -> context
  while (auto entry = carol.client->wait_for<MumbleProto::ContextActionModify>(
             [](const MumbleProto::ContextActionModify&) { return true; }, deadline_in(std::chrono::seconds(1)))) {
    CHECK(entry->operation() == MumbleProto::ContextActionModify::Add);
    CHECK_FALSE(entry->text().empty());
    actions[entry->action()] = entry->context();
  }
  // Server (1) entries for what a member does anywhere, Channel (2) for the channel's floor,
  // User (4) for what a chair does to someone.
  const std::map<std::string, std::uint32_t> expected{
      {"plenum.help", 1},          {"plenum.mode.all", 1},      {"plenum.mode.topk", 1},
      {"plenum.mode.mix", 1},      {"plenum.mode.default", 1},  {"plenum.channel.show", 2},
      {"plenum.hand", 1},          {"plenum.lower", 1},         {"plenum.point", 1},
      {"plenum.floor.queue", 2},   {"plenum.floor.next", 2},    {"plenum.floor.clear", 2},
      {"plenum.floor.muteall", 2}, {"plenum.floor.unmuteall", 2}, {"plenum.floor.give", 4},
      {"plenum.floor.take", 4},    {"plenum.breakout.return", 2}};
  CHECK(actions == expected);

  MumbleProto::ContextAction action;
  action.set_action("plenum.mode.mix");
  carol.client->send(action, deadline_in(kStep));
  CHECK(contains(next_reply(*carol.client), "Listening mode: mix (your choice)"));
  action.set_action("plenum.channel.show");
  action.set_channel_id(0);
  carol.client->send(action, deadline_in(kStep));
  CHECK(contains(next_reply(*carol.client), "mode all (server default)"));
  action.set_action("plenum.nothing");
  carol.client->send(action, deadline_in(kStep));
  CHECK(contains(next_reply(*carol.client), "not known"));
}

TEST_CASE("/channel settings need Write, are range-checked and survive a restart") {
  auto server = start_with_superuser();
  std::uint32_t hall = 0;
  {
    auto admin = log_in_superuser(*server);
    hall = create_channel(*admin.client, 0, "Hall");
    auto dave = log_in(*server, "dave");
    REQUIRE(dave.handshake.synced());
    enter_channel(*dave.client, hall);
    const std::string refused = command(*dave.client, "/channel topk 8");
    CHECK(contains(refused, "Only admins"));
    const auto denied = dave.client->wait_for<MumbleProto::PermissionDenied>(
        [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(kStep));
    REQUIRE(denied.has_value());
    CHECK(denied->permission() == kPermWrite);
    CHECK(denied->channel_id() == hall);
    CHECK(contains(command(*dave.client, "/channel"), "topk 4 (server default)"));  // reading is fine

    enter_channel(*admin.client, hall);
    CHECK(contains(command(*admin.client, "/channel topk 33"), "1 to 32"));
    CHECK(contains(command(*admin.client, "/channel bitrate 5000"), "6000 to 510000"));
    CHECK(contains(command(*admin.client, "/channel gate 91"), "0 to 90"));
    CHECK(contains(command(*admin.client, "/channel transmit shout"), "any, vad, ptt or auto"));
    CHECK(contains(command(*admin.client, "/channel topk 8"), "Hall: topk 8"));
    CHECK(contains(command(*admin.client, "/channel mode mix"), "Hall: mode mix"));
    CHECK(contains(command(*admin.client, "/channel bitrate 24000"), "Hall: bitrate 24000 bit/s"));
    CHECK(contains(command(*admin.client, "/channel gate 40"), "Hall: gate -40 dBFS"));
    CHECK(contains(command(*admin.client, "/channel transmit ptt"), "Hall: transmit ptt"));
    CHECK(contains(command(*admin.client, "/channel moderated on"), "Hall: moderated on"));
    CHECK(contains(command(*admin.client, "/channel queue first-time-first"), "Hall: queue first-time-first"));
    CHECK(contains(command(*admin.client, "/channel time 90"), "Hall: time 90 s"));
    CHECK(contains(command(*admin.client, "/channel time 86401"), "0 (no limit) to 86400"));
    // Dave's mode follows the channel's new default until he picks his own.
    CHECK(contains(command(*dave.client, "/mode"), "Listening mode: mix (the channel's)"));
  }
  server->restart();
  REQUIRE(server->last_exit().has_value());
  CHECK_MESSAGE(server->last_exit()->clean(), server->last_exit()->describe());

  auto admin = log_in_superuser(*server);
  enter_channel(*admin.client, hall);
  const std::string shown = command(*admin.client, "/channel");
  CHECK(contains(shown, "mode mix<br>"));
  CHECK(contains(shown, "topk 8<br>"));
  CHECK(contains(shown, "bitrate 24000 bit/s<br>"));
  CHECK(contains(shown, "gate -40 dBFS<br>"));
  CHECK(contains(shown, "transmit ptt<br>"));
  CHECK(contains(shown, "moderated on<br>"));
  CHECK(contains(shown, "queue first-time-first<br>"));
  CHECK(contains(shown, "time 90 s"));
  CHECK_FALSE(contains(shown, "server default"));
  CHECK(contains(command(*admin.client, "/channel topk default"), "topk 4 (server default)"));
}

}  // namespace
}  // namespace plenum::test
