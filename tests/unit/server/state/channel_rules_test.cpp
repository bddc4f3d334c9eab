#include "server/state/channel_rules.hpp"

#include "state_fixture.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using plenum::server::state::testing::acl;
using plenum::server::state::testing::StateFixture;

namespace {

ChannelStateRequest create_in(ChannelId parent, std::string name, bool temporary = false) {
  ChannelStateRequest request;
  request.parent = parent;
  request.name = std::move(name);
  request.temporary = temporary;
  return request;
}

ChannelStateRequest edit(ChannelId channel) {
  ChannelStateRequest request;
  request.channel = channel;
  return request;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("creating channels: MakeChannel / MakeTempChannel in the parent, and an identity") {
  StateFixture f;
  const SessionId anon = f.user("anon");
  const SessionId member = f.user("member", kRootChannel, 3);
  // The default root ACL gives @auth MakeTempChannel only.
  CHECK(check_channel_state(f.state, member, create_in(0, "Temp", true)).allowed());
  CHECK(check_channel_state(f.state, member, create_in(0, "Perm")) ==
        Verdict::missing(Permission::MakeChannel, kRootChannel, member));
  CHECK(check_channel_state(f.state, anon, create_in(0, "Temp", true)) ==
        Verdict::missing(Permission::MakeTempChannel, kRootChannel, anon));
  // Granted to everyone, an anonymous user without a certificate still may not.
  f.acls(kRootChannel, {acl("all", Permission::MakeChannel)});
  CHECK(check_channel_state(f.state, anon, create_in(0, "Perm")) ==
        Verdict::deny(DenyType::MissingCertificate, anon));
  f.state.users().find(anon)->cert_hash = "ab12";
  CHECK(check_channel_state(f.state, anon, create_in(0, "Perm")).allowed());
  // Nothing is created below a temporary channel.
  const ChannelId temp = f.channel(kRootChannel, "Temp", true);
  CHECK(check_channel_state(f.state, member, create_in(temp, "Sub")) ==
        Verdict::deny(DenyType::TemporaryChannel));
}

TEST_CASE("creating channels: names, siblings, limits and incomplete requests") {
  StateRules rules;
  rules.nesting_limit = 2;
  rules.channel_count_limit = 4;
  StateFixture f{rules};
  f.make_admin(1);
  const SessionId admin = f.user("admin", kRootChannel, 1);
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId b = f.channel(a, "B");
  const auto verdict = [&](const ChannelStateRequest& r) {
    return check_channel_state(f.state, admin, r);
  };
  CHECK(verdict(create_in(kRootChannel, "C")).allowed());
  CHECK(verdict(create_in(kRootChannel, "bad~name")) == Verdict::deny(DenyType::ChannelName));
  CHECK(verdict(create_in(kRootChannel, "")) == Verdict::deny(DenyType::ChannelName));
  CHECK(verdict(create_in(kRootChannel, "A")) == Verdict::deny(DenyType::ChannelName));
  CHECK(verdict(create_in(b, "Deep")) == Verdict::deny(DenyType::NestingLimit));
  CHECK(verdict(create_in(77, "X")).ignored());
  ChannelStateRequest nameless;
  nameless.parent = kRootChannel;
  CHECK(verdict(nameless).ignored());
  f.channel(kRootChannel, "C");  // 4 channels now
  CHECK(verdict(create_in(kRootChannel, "D")) == Verdict::deny(DenyType::ChannelCountLimit));
  ChannelStateRequest long_description = create_in(kRootChannel, "D");
  long_description.description = std::string(6000, 'x');
  CHECK(verdict(long_description) == Verdict::deny(DenyType::TextTooLong));
}

TEST_CASE("changing channels needs Write, the root keeps its name, moves need MakeChannel") {
  StateFixture f;
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId b = f.channel(a, "B");
  const ChannelId c = f.channel(kRootChannel, "C");
  const SessionId owner = f.user("owner", kRootChannel, 2);
  const SessionId anon = f.user("anon");
  f.acls(a, {AclEntry{true, true, 2, "", Permission::Write, {}}});

  ChannelStateRequest rename = edit(b);
  rename.name = "B2";
  CHECK(check_channel_state(f.state, owner, rename).allowed());
  CHECK(check_channel_state(f.state, anon, rename) ==
        Verdict::missing(Permission::Write, b, anon));
  f.make_admin(9);
  const SessionId admin = f.user("admin", kRootChannel, 9);
  ChannelStateRequest rename_root = edit(kRootChannel);
  rename_root.name = "New";
  CHECK(check_channel_state(f.state, admin, rename_root) ==
        Verdict::missing(Permission::Write, kRootChannel, admin));

  ChannelStateRequest move = edit(b);
  move.parent = c;
  CHECK(check_channel_state(f.state, owner, move) ==
        Verdict::missing(Permission::MakeChannel, c, owner));
  CHECK(check_channel_state(f.state, admin, move).allowed());
  move.parent = a;  // already there
  CHECK(check_channel_state(f.state, admin, move).ignored());
  ChannelStateRequest cycle = edit(a);
  cycle.parent = b;
  CHECK(check_channel_state(f.state, admin, cycle).ignored());
  f.channel(c, "B");
  move.parent = c;  // C already has a "B"
  CHECK(check_channel_state(f.state, admin, move) == Verdict::deny(DenyType::ChannelName));
}

TEST_CASE("links need LinkChannel here, and in the other channel to add") {
  StateFixture f;
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId c = f.channel(kRootChannel, "C");
  const SessionId owner = f.user("owner", kRootChannel, 2);
  f.acls(a, {AclEntry{true, true, 2, "", Permission::LinkChannel, {}}});
  ChannelStateRequest link = edit(a);
  link.links_add = {c};
  CHECK(check_channel_state(f.state, owner, link) ==
        Verdict::missing(Permission::LinkChannel, c, owner));
  f.acls(c, {AclEntry{true, true, 2, "", Permission::LinkChannel, {}}});
  CHECK(check_channel_state(f.state, owner, link).allowed());
  REQUIRE(apply_channel_state(f.state, owner, link));
  CHECK(f.state.channels().find(c)->links == std::set<ChannelId>{a});
  f.acls(c, {});
  ChannelStateRequest unlink = edit(a);
  unlink.links_remove = {c};
  CHECK(check_channel_state(f.state, owner, unlink).allowed());  // this side suffices
  unlink.links_remove = {77};
  CHECK(check_channel_state(f.state, owner, unlink).ignored());
}

TEST_CASE("apply_channel_state creates or changes the channel") {
  StateFixture f;
  f.make_admin(1);
  const SessionId admin = f.user("admin", kRootChannel, 1);
  ChannelStateRequest create = create_in(kRootChannel, "Room");
  create.description = "talk";
  create.position = 3;
  create.max_users = 9;
  const auto room = apply_channel_state(f.state, admin, create);
  REQUIRE(room);
  const Channel& made = *f.state.channels().find(*room);
  CHECK(made.name == "Room");
  CHECK(made.description == "talk");
  CHECK(made.position == 3);
  CHECK(made.max_users == 9U);
  const ChannelId other = f.channel(kRootChannel, "Other");
  ChannelStateRequest change = edit(*room);
  change.parent = other;
  change.name = "Moved";
  change.max_users = 0;
  REQUIRE(apply_channel_state(f.state, admin, change));
  CHECK(f.state.channels().path_of(*room) == "Other/Moved");
  CHECK(f.state.channels().find(*room)->max_users == 0U);
}

TEST_CASE("removing a channel or editing its ACL") {
  StateFixture f;
  const ChannelId a = f.channel(kRootChannel, "A");
  const ChannelId c = f.channel(kRootChannel, "C");
  const SessionId owner = f.user("owner", kRootChannel, 2);
  f.acls(a, {AclEntry{true, true, 2, "", Permission::Write, {}}});
  CHECK(check_channel_remove(f.state, owner, a).allowed());
  CHECK(check_channel_remove(f.state, owner, c) == Verdict::missing(Permission::Write, c, owner));
  CHECK(check_channel_remove(f.state, owner, 77).ignored());
  CHECK(check_acl_access(f.state, owner, a).allowed());
  CHECK(check_acl_access(f.state, owner, c) == Verdict::missing(Permission::Write, c, owner));
  // Root admins may edit ACLs even where a channel denies them Write.
  f.make_admin(9);
  const SessionId admin = f.user("admin", kRootChannel, 9);
  f.acls(c, {acl("admin", {}, Permission::Write)});
  CHECK_FALSE(f.state.has_permission(admin, c, Permission::Write));
  CHECK(check_acl_access(f.state, admin, c).allowed());
  CHECK(check_channel_remove(f.state, admin, kRootChannel) ==
        Verdict::missing(Permission::Write, kRootChannel, admin));
}

}  // TEST_SUITE
