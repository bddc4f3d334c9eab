// Access control end to end (MUMBLE_PROTOCOL.md §2.8, §2.10, §2.13, §2.14): what an anonymous
// user may not do, what SuperUser may, how an ACL set on a channel reaches its sub-channels, and
// self-registration with a certificate.
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>

namespace plenum::test {
namespace {

std::optional<MumbleProto::PermissionDenied> next_denial(MumbleTestClient& client) {
  return client.wait_for<MumbleProto::PermissionDenied>([](const MumbleProto::PermissionDenied&) { return true; },
                                                         deadline_in(kStep));
}

TEST_CASE("an anonymous user may neither create channels nor move others, SuperUser may") {
  auto server = start_with_superuser();
  auto alice = log_in(*server, "alice");
  auto bob = log_in(*server, "bob");
  REQUIRE(bob.handshake.synced());
  const std::uint32_t alice_session = alice.handshake.model.session();
  const std::uint32_t bob_session = bob.handshake.model.session();

  MumbleProto::ChannelState make;
  make.set_parent(0);
  make.set_name("Bobs Room");
  bob.client->send(make, deadline_in(kStep));
  auto denied = next_denial(*bob.client);
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::Permission);
  CHECK(denied->permission() == kPermMakeChannel);
  CHECK(denied->channel_id() == 0);

  auto admin = log_in_superuser(*server);
  REQUIRE(admin.handshake.model.user(admin.handshake.model.session()) != nullptr);
  CHECK(admin.handshake.model.user(admin.handshake.model.session())->user_id() == 0);
  const std::uint32_t hall = create_channel(*admin.client, 0, "Hall");
  // Everyone learns of the new channel; nobody learnt of Bob's refused one.
  auto seen = alice.client->wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) { return s.channel_id() == hall && s.name() == "Hall"; },
      deadline_in(kStep));
  CHECK(seen.has_value());
  CHECK(alice.client->model().channels.size() == 2);
  // The denial names the parent the channel was asked under, not the root.
  make.set_parent(hall);
  bob.client->send(make, deadline_in(kStep));
  denied = next_denial(*bob.client);
  REQUIRE(denied.has_value());
  CHECK(denied->permission() == kPermMakeChannel);
  CHECK(denied->channel_id() == hall);

  MumbleProto::UserState push;
  push.set_session(alice_session);
  push.set_channel_id(hall);
  bob.client->send(push, deadline_in(kStep));
  denied = next_denial(*bob.client);
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::Permission);
  CHECK(denied->permission() == kPermMove);
  CHECK(denied->channel_id() == 0);
  CHECK(denied->session() == bob_session);
  CHECK(alice.client->model().channel_of(alice_session) == 0);

  admin.client->send(push, deadline_in(kStep));
  const std::uint32_t admin_session = admin.handshake.model.session();
  const auto moved_by_admin = [&](const MumbleProto::UserState& s) {
    return s.session() == alice_session && s.has_channel_id() && s.channel_id() == hall &&
           s.actor() == admin_session;
  };
  auto moved = alice.client->wait_for<MumbleProto::UserState>(moved_by_admin, deadline_in(kStep));
  CHECK(moved.has_value());
  CHECK(bob.client->wait_for<MumbleProto::UserState>(moved_by_admin, deadline_in(kStep)).has_value());
  CHECK(bob.client->model().channel_of(alice_session) == hall);
}

TEST_CASE("a rule SuperUser sets on a channel is inherited by its sub-channel and shown by a query") {
  auto server = start_with_superuser();
  auto admin = log_in_superuser(*server);
  const std::uint32_t a = create_channel(*admin.client, 0, "A");
  const std::uint32_t b = create_channel(*admin.client, a, "B");
  auto carol = log_in(*server, "carol");
  REQUIRE(carol.handshake.synced());
  const std::uint32_t carol_session = carol.handshake.model.session();

  // Before the rule Carol may enter B; the move there and back proves the path works.
  MumbleProto::UserState enter_b;
  enter_b.set_channel_id(b);
  carol.client->send(enter_b, deadline_in(kStep));
  auto entered = carol.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == carol_session && s.channel_id() == b; },
      deadline_in(kStep));
  REQUIRE(entered.has_value());
  MumbleProto::UserState back_to_root;
  back_to_root.set_channel_id(0);
  carol.client->send(back_to_root, deadline_in(kStep));
  REQUIRE(carol.client
              ->wait_for<MumbleProto::UserState>(
                  [&](const MumbleProto::UserState& s) {
                    return s.session() == carol_session && s.has_channel_id() && s.channel_id() == 0;
                  },
                  deadline_in(kStep))
              .has_value());

  set_acl(*admin.client, a, {group_rule("all", 0, kPermEnter)});
  // Carol's client is told to forget its cached permissions too.
  CHECK(carol.client
            ->wait_for<MumbleProto::PermissionQuery>([](const MumbleProto::PermissionQuery& q) { return q.flush(); },
                                                     deadline_in(kStep))
            .has_value());

  carol.client->send(enter_b, deadline_in(kStep));
  auto denied = next_denial(*carol.client);
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::Permission);
  CHECK(denied->permission() == kPermEnter);
  CHECK(denied->channel_id() == b);
  CHECK(carol.client->model().channel_of(carol_session) == 0);

  const auto acl_a = query_acl(*admin.client, a);
  const auto* own = find_rule(acl_a, "all", false);
  REQUIRE(own != nullptr);
  CHECK(own->deny() == kPermEnter);
  CHECK(own->grant() == 0);
  CHECK(own->apply_here());
  CHECK(own->apply_subs());
  // B shows the same rule as inherited from A.
  const auto acl_b = query_acl(*admin.client, b);
  const auto* inherited = find_rule(acl_b, "all", true);
  REQUIRE(inherited != nullptr);
  CHECK(inherited->deny() == kPermEnter);
  CHECK(find_rule(acl_b, "all", false) == nullptr);

  // An anonymous user may not read ACLs.
  MumbleProto::ACL peek;
  peek.set_channel_id(a);
  peek.set_query(true);
  carol.client->send(peek, deadline_in(kStep));
  denied = next_denial(*carol.client);
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::Permission);
}

TEST_CASE("a user with a certificate registers itself and everyone sees its user_id") {
  auto server = start_plenum(admin_options());
  auto watcher = log_in(*server, "watcher");
  auto dave = log_in(*server, "dave", {}, test_identity(2));
  REQUIRE(dave.handshake.synced());
  const std::uint32_t dave_session = dave.handshake.model.session();
  REQUIRE(dave.handshake.model.user(dave_session) != nullptr);
  CHECK_FALSE(dave.handshake.model.user(dave_session)->has_user_id());

  const std::uint32_t user_id = register_self(*dave.client);
  CHECK(user_id >= 1);
  auto seen = watcher.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == dave_session && s.has_user_id(); },
      deadline_in(kStep));
  REQUIRE(seen.has_value());
  CHECK(seen->user_id() == user_id);

  // Without a certificate there is nothing to register.
  MumbleProto::UserState again;
  again.set_session(watcher.handshake.model.session());
  again.set_user_id(0);
  watcher.client->send(again, deadline_in(kStep));
  auto denied = next_denial(*watcher.client);
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::MissingCertificate);
}

}  // namespace
}  // namespace plenum::test
