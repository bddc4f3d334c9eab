#include "client-cli/core/server_view.hpp"

#include <doctest/doctest.h>

namespace plenum::client {
namespace {

MumbleProto::ChannelState channel(std::uint32_t id, std::uint32_t parent, const char* name,
                                  std::int32_t position = 0) {
  MumbleProto::ChannelState state;
  state.set_channel_id(id);
  state.set_parent(parent);
  state.set_name(name);
  state.set_position(position);
  return state;
}

MumbleProto::UserState user(std::uint32_t session, const char* name, std::uint32_t channel_id) {
  MumbleProto::UserState state;
  state.set_session(session);
  state.set_name(name);
  state.set_channel_id(channel_id);
  return state;
}

TEST_SUITE("client-cli") {
  TEST_CASE("channel paths resolve by name from the root, case-insensitively as a fallback") {
    ServerView view;
    MumbleProto::ChannelState root;
    root.set_channel_id(0);
    root.set_name("Plenum Root");
    view.apply(root);
    view.apply(channel(1, 0, "Plenary"));
    view.apply(channel(2, 1, "Room 1"));
    view.apply(channel(3, 1, "room 1 annex"));
    CHECK(view.find_channel("") == 0u);
    CHECK(view.find_channel("Plenary/Room 1") == 2u);
    CHECK(view.find_channel("/plenary/ROOM 1/") == 2u);
    CHECK_FALSE(view.find_channel("Plenary/Room 2").has_value());
    CHECK(view.channel_path(2) == "Plenary/Room 1");
    CHECK(view.channel_path(0).empty());
    CHECK(view.channel(0)->name == "Plenum Root");
  }

  TEST_CASE("channels need a known parent and a name, children sort by position then name") {
    ServerView view;
    view.apply(channel(5, 4, "orphan"));  // parent 4 unknown: ignored, as Mumble does
    CHECK(view.channel(5) == nullptr);
    view.apply(channel(1, 0, "b", 1));
    view.apply(channel(2, 0, "c", 0));
    view.apply(channel(3, 0, "a", 1));
    const auto kids = view.children(0);
    REQUIRE(kids.size() == 3);
    CHECK(kids[0]->name == "c");
    CHECK(kids[1]->name == "a");
    CHECK(kids[2]->name == "b");
    MumbleProto::ChannelRemove remove;
    remove.set_channel_id(3);
    view.apply(remove);
    CHECK(view.children(0).size() == 2);
  }

  TEST_CASE("user states are deltas, unknown sessions need a name") {
    ServerView view;
    view.apply(channel(1, 0, "Room"));
    MumbleProto::UserState nameless;
    nameless.set_session(9);
    nameless.set_self_mute(true);
    view.apply(nameless);
    CHECK(view.user(9) == nullptr);
    view.apply(user(9, "carol", 1));
    MumbleProto::UserState mute;
    mute.set_session(9);
    mute.set_self_mute(true);
    view.apply(mute);
    REQUIRE(view.user(9) != nullptr);
    CHECK(view.user(9)->self_mute);
    CHECK(view.user(9)->channel_id == 1u);
    CHECK(view.users_in(1).size() == 1);
    MumbleProto::UserRemove remove;
    remove.set_session(9);
    view.apply(remove);
    CHECK(view.user(9) == nullptr);
  }
}

}  // namespace
}  // namespace plenum::client
