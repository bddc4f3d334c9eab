#include "client-cli/tui/tree_lines.hpp"

#include <doctest/doctest.h>

namespace plenum::client {
namespace {

TEST_SUITE("client-cli") {
  TEST_CASE("the TUI tree lists channels depth-first with their users and markers") {
    ServerView view;
    MumbleProto::ChannelState root;
    root.set_channel_id(0);
    root.set_name("Root");
    view.apply(root);
    MumbleProto::ChannelState room;
    room.set_channel_id(1);
    room.set_parent(0);
    room.set_name("Room");
    view.apply(room);
    MumbleProto::UserState alice;
    alice.set_session(5);
    alice.set_name("alice");
    alice.set_channel_id(1);
    alice.set_self_mute(true);
    view.apply(alice);
    MumbleProto::UserState bob;
    bob.set_session(6);
    bob.set_name("bob");
    bob.set_channel_id(0);
    bob.set_self_deaf(true);
    view.apply(bob);
    view.set_own_session(6);

    const auto lines = tree_lines(view, [](std::uint32_t session) { return session == 5; });
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].text == "# Root");
    CHECK(lines[0].own);  // bob, our user, is in the root
    CHECK(lines[1].text == "  [ ] D bob (you)");
    CHECK(lines[1].kind == TreeLine::Kind::User);
    CHECK(lines[1].own);
    CHECK(lines[2].text == "  # Room");
    CHECK(lines[2].id == 1u);
    CHECK(lines[3].text == "    [*] M alice");
    CHECK(lines[3].depth == 2);
  }

  TEST_CASE("user markers: talking, muted by an admin, suppressed") {
    UserEntry user;
    user.mute = true;
    user.suppress = true;
    CHECK(user_markers(user, true) == "[*] M S");
    CHECK(user_markers(UserEntry{}, false) == "[ ]");
  }
}

}  // namespace
}  // namespace plenum::client
