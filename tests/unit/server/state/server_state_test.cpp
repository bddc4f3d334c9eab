#include "server/state/server_state.hpp"

#include "server/state/state_error.hpp"
#include "state_fixture.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using plenum::server::state::testing::acl;
using plenum::server::state::testing::StateFixture;

TEST_SUITE("state") {

TEST_CASE("ServerSync and PermissionQuery values on a fresh server") {
  StateFixture f;
  const SessionId anon = f.user("alice");
  const SessionId member = f.user("bob", kRootChannel, 3);
  const SessionId admin = f.user("SuperUser", kRootChannel, kSuperUserId);
  CHECK(f.state.server_sync_permissions(anon) == 0x08080B0EU);
  CHECK(f.state.server_sync_permissions(member) == 0x08080F0EU);
  CHECK(f.state.server_sync_permissions(admin) == kAllPermissions.bits());  // 0x1F0FFF
  CHECK(f.state.permission_query_value(admin, kRootChannel) == to_wire(kSuperUserPermissions));
  CHECK(f.state.permissions(999, kRootChannel).empty());
  CHECK(f.state.permissions(anon, 999).empty());
}

TEST_CASE("suppress follows Speak in the user's channel") {
  StateFixture f;
  const ChannelId quiet = f.channel(kRootChannel, "Quiet");
  f.acls(quiet, {acl("all", {}, Permission::Speak)});
  const SessionId alice = f.user("alice");
  const SessionId su = f.user("SuperUser", kRootChannel, kSuperUserId);
  CHECK_FALSE(f.get(alice).suppress);
  CHECK(f.get(su).suppress);  // [observed 1.3.4]

  auto entry = f.state.enter_channel(alice, quiet);
  REQUIRE(entry.has_value());
  CHECK(entry->from == kRootChannel);
  CHECK(entry->suppress == true);
  CHECK(f.get(alice).suppress);
  entry = f.state.enter_channel(alice, quiet);  // no change: nothing to announce
  CHECK_FALSE(entry->suppress);

  f.acls(quiet, {});
  const auto flipped = f.state.refresh_suppression();
  CHECK(flipped == std::vector<std::pair<SessionId, bool>>{{alice, false}});
  CHECK_FALSE(f.get(alice).suppress);
  CHECK(f.state.refresh_suppression().empty());
}

TEST_CASE("entering a channel clears priority speaker and reports an emptied temporary channel") {
  StateFixture f;
  const ChannelId temp = f.channel(kRootChannel, "Temp", true);
  const SessionId alice = f.user("alice", temp);
  const SessionId bob = f.user("bob", temp);
  f.state.users().find(alice)->priority_speaker = true;
  auto entry = f.state.enter_channel(alice, kRootChannel);
  REQUIRE(entry.has_value());
  CHECK(entry->priority_speaker_cleared);
  CHECK_FALSE(f.get(alice).priority_speaker);
  CHECK_FALSE(entry->emptied_temporary);  // bob is still there
  const auto departure = f.state.disconnect(bob);
  REQUIRE(departure);
  CHECK(departure->user.name == "bob");
  CHECK(departure->emptied_temporary == temp);
  CHECK(f.state.enter_channel(bob, temp).error() == StateError::UnknownSession);
  CHECK(f.state.enter_channel(alice, 77).error() == StateError::UnknownChannel);
}

TEST_CASE("cached permissions follow ACL edits, channel changes and token changes") {
  StateFixture f;
  const ChannelId room = f.channel(kRootChannel, "Room");
  const SessionId alice = f.user("alice");
  CHECK(f.state.has_permission(alice, room, Permission::Enter));
  f.acls(room, {acl("all", {}, Permission::Enter), acl("#key", Permission::Enter)});
  CHECK_FALSE(f.state.has_permission(alice, room, Permission::Enter));
  REQUIRE(f.state.set_tokens(alice, {"KEY"}));
  CHECK(f.state.has_permission(alice, room, Permission::Enter));

  f.acls(room, {acl("out", {}, Permission::TextMessage)});
  CHECK_FALSE(f.state.has_permission(alice, room, Permission::TextMessage));
  REQUIRE(f.state.enter_channel(alice, room).has_value());
  CHECK(f.state.has_permission(alice, room, Permission::TextMessage));

  f.acls(room, {acl("auth", Permission::Move)});
  CHECK_FALSE(f.state.has_permission(alice, room, Permission::Move));
  REQUIRE(f.state.set_user_id(alice, 42));
  CHECK(f.state.has_permission(alice, room, Permission::Move));
}

TEST_CASE("a channel is full at max_users, else at usersperchannel, Write is exempt") {
  StateRules rules;
  rules.users_per_channel = 2;
  StateFixture f{rules};
  const ChannelId small = f.channel(kRootChannel, "Small");
  REQUIRE(f.state.channels().set_max_users(small, 1));
  const ChannelId room = f.channel(kRootChannel, "Room");
  const SessionId alice = f.user("alice", small);
  const SessionId owner = f.user("owner", kRootChannel, 5);
  CHECK(f.state.is_channel_full(small));
  CHECK_FALSE(f.state.is_channel_full(room));
  f.user("bob", room);
  f.user("carol", room);
  CHECK(f.state.is_channel_full(room, alice));
  f.make_admin(5);
  CHECK_FALSE(f.state.is_channel_full(room, owner));
}

TEST_CASE("start channel: remembered, else default, else root, none when the root is full") {
  StateRules rules;
  rules.users_per_channel = 1;
  StateFixture f{rules};
  const ChannelId lobby = f.channel(kRootChannel, "Lobby");
  const ChannelId locked = f.channel(kRootChannel, "Locked");
  f.acls(locked, {acl("all", {}, Permission::Enter)});
  ConnectedUser alice;
  alice.session = f.state.users().allocate_session();
  alice.name = "alice";
  CHECK(f.state.start_channel(alice, locked, lobby) == lobby);  // may not enter Locked
  CHECK(f.state.start_channel(alice, std::nullopt, 77) == kRootChannel);
  f.user("bob", lobby);  // Lobby is full now
  CHECK(f.state.start_channel(alice, lobby, lobby) == kRootChannel);
  f.user("carol");  // and so is the root
  CHECK(f.state.start_channel(alice, lobby, lobby) == std::nullopt);
}

TEST_CASE("a created channel's maker is its admin, or gets Write by an entry") {
  StateFixture f;
  const SessionId member = f.user("bob", kRootChannel, 3);
  auto room = f.state.create_channel(member, kRootChannel, NewChannel{"Room", "", 0, 0, false, {}});
  REQUIRE(room);
  CHECK(f.state.channels().find(*room)->groups.at("admin").add == std::set<UserId>{3});
  CHECK(f.state.has_permission(member, *room, Permission::Write));  // root's @admin Write
  CHECK(f.state.channels().find(*room)->acls.empty());

  const SessionId guest = f.user("guest", kRootChannel, std::nullopt, "feed");
  auto temp = f.state.create_channel(guest, kRootChannel, NewChannel{"Temp", "", 0, 0, true, {}});
  REQUIRE(temp);
  const auto& entries = f.state.channels().find(*temp)->acls;
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].group == "$feed");
  CHECK_FALSE(entries[0].apply_subs);
  CHECK(f.state.has_permission(guest, *temp, Permission::Write));
  CHECK_FALSE(f.state.has_permission(member, *temp, Permission::Write));
}

TEST_CASE("an ACL edit that would lock its editor out gives Write back") {
  StateFixture f;
  const ChannelId room = f.channel(kRootChannel, "Room");
  const SessionId owner = f.user("owner", kRootChannel, 8);
  REQUIRE(f.state.channels().add_acl(room, AclEntry{true, true, 8, "", Permission::Write, {}}));
  REQUIRE(f.state.set_access(owner, room, true, {acl("all", {}, Permission::Write)}, {}));
  const auto& entries = f.state.channels().find(room)->acls;
  REQUIRE(entries.size() == 2);
  CHECK(entries[1].user_id == 8U);
  CHECK(f.state.has_permission(owner, room, Permission::Write));
}

TEST_CASE("removing a channel relocates its users upwards and drops listeners") {
  StateFixture f;
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId b = f.channel(a, "B");
  const ChannelId c = f.channel(b, "C");
  const ChannelId other = f.channel(kRootChannel, "Other");
  const SessionId in_c = f.user("carol", c);
  const SessionId in_b = f.user("bob", b);
  const SessionId outside = f.user("olga", other);
  f.state.users().find(outside)->listening = {c, other};
  f.acls(a, {acl("all", {}, Permission::Enter, true, false)});  // nobody may enter A itself

  auto removal = f.state.remove_channel(b);
  REQUIRE(removal.has_value());
  CHECK(removal->removed == std::vector<ChannelId>{c, b});
  REQUIRE(removal->relocated.size() == 2);
  CHECK(f.get(in_c).channel == kRootChannel);  // A refused Enter, so one level further up
  CHECK(f.get(in_b).channel == kRootChannel);
  CHECK(removal->listeners_dropped == std::vector<std::pair<SessionId, ChannelId>>{{outside, c}});
  CHECK(f.get(outside).listening == ListenedChannels{other});
  CHECK(f.state.remove_channel(kRootChannel).error() == StateError::RootImmutable);
  CHECK(f.state.remove_channel(b).error() == StateError::UnknownChannel);
}

TEST_CASE("a departing user's temporary group memberships go with it") {
  StateFixture f;
  const ChannelId room = f.channel(kRootChannel, "Room");
  const SessionId alice = f.user("alice", room);
  REQUIRE(f.state.channels().set_temporary_member(room, "speakers", alice, true));
  REQUIRE(f.state.disconnect(alice));
  CHECK(f.state.channels().find(room)->groups.at("speakers").temporary.empty());
  CHECK_FALSE(f.state.disconnect(alice));
}

}  // TEST_SUITE
