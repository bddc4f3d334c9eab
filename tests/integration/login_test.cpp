// The login sequence and presence: what a stock client sees when it joins Plenum
// (MUMBLE_PROTOCOL.md §3.3), and how two clients see each other join, move, mute and leave.
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

namespace plenum::test {
namespace {

using protocol::MessageType;

constexpr std::uint32_t kTraverse = 0x2, kEnter = 0x4, kSpeak = 0x8, kWrite = 0x1, kMakeChannel = 0x40,
                        kCached = 0x8000000;

TEST_CASE("login sends Murmur's sequence with Plenum's settings") {
  auto server = start_plenum();
  auto alice = log_in(*server, "alice");
  const auto& handshake = alice.handshake;
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  const std::vector<MessageType> expected{MessageType::Version,     MessageType::CryptSetup,
                                          MessageType::CodecVersion, MessageType::ChannelState,
                                          MessageType::PermissionQuery, MessageType::UserState,
                                          MessageType::ServerSync,  MessageType::ServerConfig};
  CHECK_MESSAGE(handshake.types() == expected, handshake.describe());

  const auto& model = handshake.model;
  REQUIRE(model.server_version);
  CHECK(model.server_version->version_v1() == 0x010500U);
  CHECK(model.server_version->version_v2() == 0x0001000500000000ULL);
  REQUIRE(model.crypt_setup);
  CHECK(model.crypt_setup->key().size() == 16);
  CHECK(model.crypt_setup->client_nonce().size() == 16);
  CHECK(model.crypt_setup->server_nonce().size() == 16);
  REQUIRE(model.codec_version);
  CHECK(model.codec_version->alpha() == -2147483637);
  CHECK(model.codec_version->beta() == 0);
  CHECK(model.codec_version->prefer_alpha());
  CHECK(model.codec_version->opus());
  REQUIRE(model.channels.contains(0));
  CHECK(model.channels.at(0).name() == "Integration Root");

  const auto* query = find_first<MumbleProto::PermissionQuery>(handshake.transcript);
  REQUIRE(query != nullptr);
  CHECK(query->channel_id() == 0);
  const std::uint32_t root = query->permissions();
  CHECK((root & (kTraverse | kEnter | kSpeak | kCached)) == (kTraverse | kEnter | kSpeak | kCached));
  CHECK((root & (kWrite | kMakeChannel)) == 0);

  REQUIRE(model.server_sync);
  const std::uint32_t session = model.server_sync->session();
  CHECK(session != 0);
  CHECK(model.server_sync->max_bandwidth() == 72000);
  CHECK(model.server_sync->welcome_text() == "Welcome to the integration test");
  CHECK(model.server_sync->permissions() == root);
  REQUIRE(model.user(session) != nullptr);
  CHECK(model.user(session)->name() == "alice");
  REQUIRE(model.server_config);
  CHECK(model.server_config->message_length() == 5000);
  CHECK(model.server_config->image_message_length() == 131072);
  CHECK(model.server_config->max_users() == 5000);
  CHECK(model.server_config->allow_html());
}

TEST_CASE("two clients see each other join, mute, deafen and leave") {
  auto server = start_plenum();
  auto alice = log_in(*server, "alice");
  auto bob = log_in(*server, "bob");
  REQUIRE(bob.handshake.synced());
  const std::uint32_t alice_session = alice.handshake.model.session();
  const std::uint32_t bob_session = bob.handshake.model.session();
  CHECK(alice_session != bob_session);
  // Bob's login lists Alice; Alice is told about Bob.
  REQUIRE(bob.handshake.model.user(alice_session) != nullptr);
  CHECK(bob.handshake.model.user(alice_session)->name() == "alice");
  auto joined = alice.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == bob_session && s.name() == "bob"; },
      deadline_in(kStep));
  CHECK(joined.has_value());

  MumbleProto::UserState mute;
  mute.set_self_mute(true);
  bob.client->send(mute, deadline_in(kStep));
  auto muted = alice.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == bob_session && s.has_self_mute(); },
      deadline_in(kStep));
  REQUIRE(muted.has_value());
  CHECK(muted->self_mute());
  CHECK(muted->actor() == bob_session);

  // Deafening oneself implies muting (§2.10), and the sender sees its own change too.
  MumbleProto::UserState deaf;
  deaf.set_self_deaf(true);
  bob.client->send(deaf, deadline_in(kStep));
  auto deafened = bob.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == bob_session && s.has_self_deaf(); },
      deadline_in(kStep));
  REQUIRE(deafened.has_value());
  CHECK(deafened->self_deaf());
  CHECK(deafened->self_mute());

  bob.client->close();
  auto removed = alice.client->wait_for<MumbleProto::UserRemove>(
      [&](const MumbleProto::UserRemove& r) { return r.session() == bob_session; }, deadline_in(kStep));
  CHECK(removed.has_value());
}

TEST_CASE("a client may not rename itself, and text reaches exactly its targets") {
  auto server = start_plenum();
  auto alice = log_in(*server, "alice");
  auto bob = log_in(*server, "bob");
  auto carol = log_in(*server, "carol");
  const std::uint32_t alice_session = alice.handshake.model.session();
  const std::uint32_t bob_session = bob.handshake.model.session();

  MumbleProto::UserState rename;
  rename.set_name("mallory");
  alice.client->send(rename, deadline_in(kStep));
  auto denied = alice.client->wait_for<MumbleProto::PermissionDenied>(
      [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(kStep));
  REQUIRE(denied.has_value());
  CHECK(denied->type() == MumbleProto::PermissionDenied::UserName);

  MumbleProto::TextMessage text;
  text.add_session(bob_session);
  text.set_message("hi bob");
  alice.client->send(text, deadline_in(kStep));
  auto got = bob.client->wait_for<MumbleProto::TextMessage>(
      [](const MumbleProto::TextMessage&) { return true; }, deadline_in(kStep));
  REQUIRE(got.has_value());
  CHECK(got->message() == "hi bob");
  CHECK(got->actor() == alice_session);

  // To the channel: everyone in it but the sender; Carol got nothing before.
  MumbleProto::TextMessage to_channel;
  to_channel.add_channel_id(0);
  to_channel.set_message("hello room");
  bob.client->send(to_channel, deadline_in(kStep));
  auto carol_got = carol.client->wait_for<MumbleProto::TextMessage>(
      [](const MumbleProto::TextMessage&) { return true; }, deadline_in(kStep));
  REQUIRE(carol_got.has_value());
  CHECK(carol_got->message() == "hello room");
  auto alice_got = alice.client->wait_for<MumbleProto::TextMessage>(
      [](const MumbleProto::TextMessage& m) { return m.message() == "hello room"; }, deadline_in(kStep));
  CHECK(alice_got.has_value());
  auto bob_echo = bob.client->wait_for<MumbleProto::TextMessage>(
      [](const MumbleProto::TextMessage& m) { return m.message() == "hello room"; },
      deadline_in(std::chrono::milliseconds(300)));
  CHECK_FALSE(bob_echo.has_value());

  // Too long: PermissionDenied TextTooLong, nobody receives it.
  MumbleProto::TextMessage long_text;
  long_text.add_session(bob_session);
  long_text.set_message(std::string(6000, 'x'));
  carol.client->send(long_text, deadline_in(kStep));
  auto too_long = carol.client->wait_for<MumbleProto::PermissionDenied>(
      [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(kStep));
  REQUIRE(too_long.has_value());
  CHECK(too_long->type() == MumbleProto::PermissionDenied::TextTooLong);
}

TEST_CASE("a login with a name in use, an invalid name or a wrong server password is rejected") {
  auto options = integration_options();
  options.settings.extra_ini.emplace_back("serverpassword", "sesame");
  auto server = start_plenum(std::move(options));
  auto alice = log_in(*server, "alice", "sesame");
  REQUIRE(alice.handshake.synced());

  auto wrong = log_in(*server, "bob", "wrong");
  REQUIRE(wrong.handshake.model.reject);
  CHECK(wrong.handshake.model.reject->type() == MumbleProto::Reject::WrongServerPW);

  // Master's default pattern allows spaces and most ASCII punctuation, but not `>`.
  auto invalid = log_in(*server, "bad>name", "sesame");
  REQUIRE(invalid.handshake.model.reject);
  CHECK(invalid.handshake.model.reject->type() == MumbleProto::Reject::InvalidUsername);

  // Same name from another certificate (Alice has none; this one has): in use.
  auto taken = log_in(*server, "ALICE", "sesame", test_identity(1));
  REQUIRE(taken.handshake.model.reject);
  CHECK(taken.handshake.model.reject->type() == MumbleProto::Reject::UsernameInUse);
  CHECK(taken.client->is_closed_within(deadline_in(kStep)));
}

}  // namespace
}  // namespace plenum::test
