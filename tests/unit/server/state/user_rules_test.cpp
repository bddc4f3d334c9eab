#include "server/state/user_rules.hpp"

#include "state_fixture.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using plenum::server::state::testing::acl;
using plenum::server::state::testing::StateFixture;

namespace {

UserStateRequest flags(UserFlagsChange change) {
  UserStateRequest request;
  request.flags = change;
  return request;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("moving: Enter for oneself, Move for others, room in the destination") {
  StateRules rules;
  StateFixture f{rules};
  const ChannelId open = f.channel(kRootChannel, "Open");
  const ChannelId locked = f.channel(kRootChannel, "Locked");
  f.acls(locked, {acl("all", {}, Permission::Enter)});
  const SessionId alice = f.user("alice");
  const SessionId bob = f.user("bob");
  CHECK(check_move(f.state, alice, alice, open).allowed());
  CHECK(check_move(f.state, alice, alice, locked) ==
        Verdict::missing(Permission::Enter, locked, alice));
  CHECK(check_move(f.state, alice, bob, open) ==
        Verdict::missing(Permission::Move, kRootChannel, alice));
  CHECK(check_move(f.state, alice, alice, kRootChannel).ignored());  // already there
  CHECK(check_move(f.state, alice, alice, 77).ignored());
  f.make_admin(1);
  const SessionId admin = f.user("admin", kRootChannel, 1);
  CHECK(check_move(f.state, admin, bob, locked).allowed());  // Move beats a missing Enter
  REQUIRE(f.state.channels().set_max_users(open, 1));
  f.user("carol", open);
  CHECK(check_move(f.state, alice, alice, open) == Verdict::deny(DenyType::ChannelFull));
  CHECK(check_move(f.state, admin, bob, open).allowed());  // Write ignores the limit
  // Through check_user_state as well.
  UserStateRequest request;
  request.channel = locked;
  CHECK(check_user_state(f.state, alice, alice, request) ==
        Verdict::missing(Permission::Enter, locked, alice));
}

TEST_CASE("names, SuperUser and self-only fields") {
  StateFixture f;
  const SessionId alice = f.user("alice");
  const SessionId bob = f.user("bob");
  const SessionId su = f.user("SuperUser", kRootChannel, kSuperUserId);
  UserStateRequest rename;
  rename.sets_name = true;
  CHECK(check_user_state(f.state, alice, alice, rename) == Verdict::deny(DenyType::UserName));
  CHECK(check_user_state(f.state, alice, su, UserStateRequest{}) ==
        Verdict::deny(DenyType::SuperUser));
  UserFlagsChange self_mute;
  self_mute.self_mute = true;
  CHECK(check_user_state(f.state, alice, alice, flags(self_mute)).allowed());
  CHECK(check_user_state(f.state, alice, bob, flags(self_mute)).ignored());
  UserStateRequest plugin;
  plugin.plugin_data = true;
  CHECK(check_user_state(f.state, alice, bob, plugin).ignored());
  CHECK(check_user_state(f.state, alice, 999, plugin).ignored());
  UserStateRequest volume;
  volume.changes_listener_volume = true;
  CHECK(check_user_state(f.state, alice, alice, volume).allowed());
  CHECK(check_user_state(f.state, alice, bob, volume).ignored());
}

TEST_CASE("mute, deaf, suppress and priority speaker need MuteDeafen, suppress only clears") {
  StateFixture f;
  f.make_admin(1);
  const SessionId alice = f.user("alice");
  const SessionId admin = f.user("admin", kRootChannel, 1);
  const SessionId su = f.user("SuperUser", kRootChannel, kSuperUserId);
  UserFlagsChange mute;
  mute.mute = true;
  CHECK(check_user_state(f.state, alice, admin, flags(mute)) ==
        Verdict::missing(Permission::MuteDeafen, kRootChannel, alice));
  CHECK(check_user_state(f.state, admin, alice, flags(mute)).allowed());
  CHECK(check_user_state(f.state, su, su, flags(mute)) == Verdict::deny(DenyType::SuperUser));
  UserFlagsChange suppress;
  suppress.suppress = true;
  CHECK(check_user_state(f.state, admin, alice, flags(suppress)) ==
        Verdict::missing(Permission::MuteDeafen, kRootChannel, admin));
  suppress.suppress = false;
  CHECK(check_user_state(f.state, admin, alice, flags(suppress)).allowed());
  UserFlagsChange priority;
  priority.priority_speaker = true;
  CHECK(check_user_state(f.state, alice, alice, flags(priority)).denied());
}

TEST_CASE("in a temporary channel, muting needs MuteDeafen in the first permanent parent") {
  StateFixture f;
  const ChannelId room = f.channel(kRootChannel, "Room");
  const ChannelId temp = f.channel(room, "Temp", true);
  const SessionId creator = f.user("creator", temp, 5);
  const SessionId guest = f.user("guest", temp);
  f.acls(temp, {AclEntry{true, false, 5, "", Permission::Write, {}}});
  UserFlagsChange mute;
  mute.mute = true;
  CHECK(f.state.has_permission(creator, temp, Permission::MuteDeafen));
  CHECK(check_user_state(f.state, creator, guest, flags(mute)) ==
        Verdict::deny(DenyType::TemporaryChannel));
  UserFlagsChange priority;  // not a muting flag: the channel's own MuteDeafen is enough
  priority.priority_speaker = true;
  CHECK(check_user_state(f.state, creator, guest, flags(priority)).allowed());
  f.acls(room, {AclEntry{true, false, 5, "", Permission::MuteDeafen, {}}});
  CHECK(check_user_state(f.state, creator, guest, flags(mute)).allowed());
}

TEST_CASE("comments and textures: others may only clear them, with ResetUserContent") {
  StateFixture f;
  f.make_admin(1);
  const SessionId alice = f.user("alice");
  const SessionId bob = f.user("bob");
  const SessionId admin = f.user("admin", kRootChannel, 1);
  UserStateRequest comment;
  comment.comment = "hello";
  CHECK(check_user_state(f.state, alice, alice, comment).allowed());
  CHECK(check_user_state(f.state, alice, bob, comment) ==
        Verdict::missing(Permission::ResetUserContent, kRootChannel, alice));
  CHECK(check_user_state(f.state, admin, bob, comment) == Verdict::deny(DenyType::TextTooLong));
  comment.comment = "";
  CHECK(check_user_state(f.state, admin, bob, comment).allowed());
  comment.comment = std::string(6000, 'x');
  CHECK(check_user_state(f.state, alice, alice, comment) == Verdict::deny(DenyType::TextTooLong));
  UserStateRequest texture;
  texture.texture_size = 200000;
  CHECK(check_user_state(f.state, alice, alice, texture) == Verdict::deny(DenyType::TextTooLong));
  texture.texture_size = 0;
  CHECK(check_user_state(f.state, admin, bob, texture).allowed());
}

TEST_CASE("registration: SelfRegister with a certificate, Register for others") {
  StateFixture f;
  const SessionId with_cert = f.user("alice", kRootChannel, std::nullopt, "c0ffee");
  const SessionId without = f.user("bob");
  const SessionId member = f.user("carol", kRootChannel, 4, "beef");
  UserStateRequest reg;
  reg.registers = true;
  CHECK(check_user_state(f.state, with_cert, with_cert, reg).allowed());
  CHECK(check_user_state(f.state, without, without, reg) ==
        Verdict::deny(DenyType::MissingCertificate, without));
  CHECK(check_user_state(f.state, member, member, reg) ==
        Verdict::missing(Permission::SelfRegister, kRootChannel, member));
  CHECK(check_user_state(f.state, member, with_cert, reg) ==
        Verdict::missing(Permission::Register, kRootChannel, member));
}

TEST_CASE("listening needs Listen in the channel") {
  StateFixture f;
  const ChannelId room = f.channel(kRootChannel, "Room");
  const SessionId alice = f.user("alice");
  CHECK(check_listen(f.state, alice, room).allowed());
  f.acls(room, {acl("all", {}, Permission::Listen)});
  CHECK(check_listen(f.state, alice, room) == Verdict::missing(Permission::Listen, room, alice));
  CHECK(check_listen(f.state, alice, 77).ignored());
}

TEST_CASE("kicking needs Kick or Ban at the root, banning Ban, SuperUser cannot be kicked") {
  StateFixture f;
  f.make_admin(1);
  const SessionId alice = f.user("alice");
  const SessionId admin = f.user("admin", kRootChannel, 1);
  const SessionId su = f.user("SuperUser", kRootChannel, kSuperUserId);
  CHECK(check_kick(f.state, alice, admin, false) ==
        Verdict::missing(Permission::Kick | Permission::Ban, kRootChannel, alice));
  CHECK(check_kick(f.state, admin, alice, false).allowed());
  CHECK(check_kick(f.state, admin, alice, true).allowed());
  CHECK(check_kick(f.state, admin, su, false).denied());
  f.acls(kRootChannel, {acl("all", Permission::Kick)});
  CHECK(check_kick(f.state, alice, admin, false).allowed());
  CHECK(check_kick(f.state, alice, admin, true) ==
        Verdict::missing(Permission::Ban, kRootChannel, alice));
}

TEST_CASE("text messages reach channel members, listeners, sub-channels and named users") {
  StateFixture f;
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId b = f.channel(a, "B");
  const ChannelId c = f.channel(kRootChannel, "C");
  const SessionId sender = f.user("sender", a);
  const SessionId in_a = f.user("in_a", a);
  const SessionId in_b = f.user("in_b", b);
  const SessionId in_c = f.user("in_c", c);
  const SessionId listener = f.user("listener");
  f.state.users().find(listener)->listening = {a};

  TextTargets to_a;
  to_a.channels = {a};
  auto delivery = route_text_message(f.state, sender, "hi", to_a);
  CHECK(delivery.verdict.allowed());
  CHECK(delivery.recipients == std::set<SessionId>{in_a, listener});

  TextTargets tree;
  tree.trees = {a};
  CHECK(route_text_message(f.state, sender, "hi", tree).recipients ==
        std::set<SessionId>{in_a, in_b, listener});
  f.acls(b, {acl("all", {}, Permission::TextMessage)});  // the tree skips B now
  CHECK(route_text_message(f.state, sender, "hi", tree).recipients ==
        std::set<SessionId>{in_a, listener});

  TextTargets direct;
  direct.sessions = {in_c, 999};
  CHECK(route_text_message(f.state, sender, "hi", direct).recipients ==
        std::set<SessionId>{in_c});
  direct.sessions = {in_b};
  CHECK(route_text_message(f.state, sender, "hi", direct).verdict ==
        Verdict::missing(Permission::TextMessage, b, sender));

  TextTargets unknown;
  unknown.channels = {a, 77};
  CHECK(route_text_message(f.state, sender, "hi", unknown).verdict.ignored());
  CHECK(route_text_message(f.state, sender, std::string(6000, 'x'), to_a).verdict ==
        Verdict::deny(DenyType::TextTooLong));
  CHECK(route_text_message(f.state, sender, "", to_a).verdict.ignored());
  TextTargets root;
  root.channels = {kRootChannel};
  CHECK(route_text_message(f.state, sender, "Open the pod bay doors, HAL.", root).verdict ==
        Verdict::deny(DenyType::H9K));
}

TEST_CASE("without HTML the plain-text version is what receivers get") {
  StateRules rules;
  rules.text.allow_html = false;
  StateFixture f{rules};
  const SessionId alice = f.user("alice");
  const SessionId bob = f.user("bob");
  TextTargets to_bob;
  to_bob.sessions = {bob};
  const auto delivery = route_text_message(f.state, alice, "<b>hi</b>", to_bob);
  CHECK(delivery.verdict.allowed());
  CHECK(delivery.replacement == "hi");
  CHECK(route_text_message(f.state, alice, "<i></i>", to_bob).verdict.ignored());
}

}  // TEST_SUITE
