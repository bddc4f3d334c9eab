// What real clients send that a strict reading would refuse, and what Murmur accepts
// (issue 12, defect 8): an ACL without its required channel_id, a Version after Authenticate,
// and an administrator renaming an online user, which everyone must see.
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>

namespace plenum::test {
namespace {

protocol::Bytes raw_frame(protocol::MessageType type, std::string_view payload) {
  protocol::Bytes out;
  protocol::append_frame(out, static_cast<std::uint16_t>(type),
                         protocol::ByteView{reinterpret_cast<const std::byte*>(payload.data()), payload.size()});
  return out;
}

TEST_CASE("an ACL query without its required channel_id is dropped and the session stays") {
  auto server = start_with_superuser();
  auto admin = log_in_superuser(*server);
  // ACL{query: true} (field 3, varint 1) without channel_id (field 1, proto2 required): what a
  // client library that skips default values sends for the root channel.
  admin.client->send_raw(raw_frame(protocol::MessageType::ACL, "\x18\x01"), deadline_in(kStep));
  // An unknown type after login is dropped too.
  admin.client->send_raw(raw_frame(static_cast<protocol::MessageType>(250), ""), deadline_in(kStep));
  CHECK(admin.client->ping_tcp(deadline_in(kStep)).has_value());
  CHECK_FALSE(admin.client->closed());
  // And the session still acts: a well-formed query is answered.
  CHECK(query_acl(*admin.client, 0).channel_id() == 0);
}

TEST_CASE("a Version sent after Authenticate is adopted: a 1.5 client gets protobuf UDP") {
  auto server = start_plenum();
  ClientOptions options;
  options.port = server->port();
  options.version = protocol::Version{1, 5, 0};
  MumbleTestClient client(options);
  client.connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = "late-version";
  request.udp_ping = false;
  request.version_after_authenticate = true;
  const auto handshake = client.handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  REQUIRE(client.udp_format() == protocol::UdpFormat::Protobuf);
  // The server switches this session to protobuf UDP under fresh keys.
  const auto rekey = client.wait_for<MumbleProto::CryptSetup>(
      [](const MumbleProto::CryptSetup& setup) { return setup.key().size() == 16; }, deadline_in(kStep));
  REQUIRE_MESSAGE(rekey.has_value(), "no CryptSetup after the late Version");
  CHECK(client.udp_ping(42, deadline_in(kStep)).has_value());
}

TEST_CASE("renaming an online registered user through UserList tells everyone") {
  auto server = start_with_superuser();
  auto admin = log_in_superuser(*server);
  auto member = log_in(*server, "member", {}, test_identity(1));
  REQUIRE(member.handshake.synced());
  const std::uint32_t user_id = register_self(*member.client);
  REQUIRE(user_id != 0);
  auto bystander = log_in(*server, "bystander");
  REQUIRE(bystander.handshake.synced());

  MumbleProto::UserList rename;
  auto* entry = rename.add_users();
  entry->set_user_id(user_id);
  entry->set_name("renamed-member");
  admin.client->send(rename, deadline_in(kStep));
  const std::uint32_t session = member.client->session();
  const auto seen = bystander.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& state) {
        return state.session() == session && state.name() == "renamed-member";
      },
      deadline_in(kStep));
  CHECK_MESSAGE(seen.has_value(), "the bystander was not told of the rename");
  CHECK(member.client->wait_for<MumbleProto::UserState>(
                            [&](const MumbleProto::UserState& state) {
                              return state.session() == session && state.name() == "renamed-member";
                            },
                            deadline_in(kStep))
            .has_value());
  // A newcomer sees the new name too.
  auto late = log_in(*server, "latecomer");
  REQUIRE(late.handshake.synced());
  CHECK(late.handshake.model.user_named("renamed-member") != nullptr);
}

}  // namespace
}  // namespace plenum::test
