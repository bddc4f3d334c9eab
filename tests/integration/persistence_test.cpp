// Restart persistence (DESIGN.md §8): channels with their descriptions and links, ACLs,
// registered accounts, bans and the SuperUser password survive a restart on the same SQLite file.
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <variant>
#include <vector>

namespace plenum::test {
namespace {

bool links_to(const MumbleProto::ChannelState& channel, std::uint32_t other) {
  return std::find(channel.links().begin(), channel.links().end(), other) != channel.links().end();
}

// What a test sets up before the restart and checks after it.
struct Stored {
  std::uint32_t lobby = 0;
  std::uint32_t annex = 0;
  std::uint32_t quiet = 0;
  std::uint32_t erin_id = 0;
};

Stored set_up(PlenumProcess& server) {
  Stored stored;
  auto admin = log_in_superuser(server);
  stored.lobby = create_channel(*admin.client, 0, "Lobby", "Where everyone meets");
  stored.annex = create_channel(*admin.client, 0, "Annex");
  stored.quiet = create_channel(*admin.client, stored.lobby, "Quiet Room");
  link_channels(*admin.client, stored.lobby, stored.annex);
  set_acl(*admin.client, stored.quiet, {group_rule("all", 0, kPermEnter)});

  auto erin = log_in(server, "erin", {}, test_identity(3));
  REQUIRE(erin.handshake.synced());
  stored.erin_id = register_self(*erin.client);
  REQUIRE(stored.erin_id >= 1);

  auto mallory = log_in(server, "mallory", {}, test_identity(4));
  REQUIRE(mallory.handshake.synced());
  const std::uint32_t mallory_session = mallory.handshake.model.session();
  MumbleProto::UserRemove ban;
  ban.set_session(mallory_session);
  ban.set_reason("persistence test");
  ban.set_ban(true);
  admin.client->send(ban, deadline_in(kStep));
  auto banned = mallory.client->wait_for<MumbleProto::UserRemove>(
      [&](const MumbleProto::UserRemove& r) { return r.session() == mallory_session; }, deadline_in(kStep));
  REQUIRE(banned.has_value());
  CHECK(banned->ban());
  CHECK(mallory.client->is_closed_within(deadline_in(kStep)));
  // The admin sees Mallory leave: the ban has been handled (and its write posted) by then.
  CHECK(admin.client
            ->wait_for<MumbleProto::UserRemove>(
                [&](const MumbleProto::UserRemove& r) { return r.session() == mallory_session; },
                deadline_in(kStep))
            .has_value());
  return stored;
}

TEST_CASE("channels, ACLs, accounts, bans and the SuperUser password survive a restart") {
  auto server = start_with_superuser();
  const Stored stored = set_up(*server);
  server->restart();
  REQUIRE(server->last_exit().has_value());
  CHECK_MESSAGE(server->last_exit()->clean(), server->last_exit()->describe());

  auto frank = log_in(*server, "frank");
  REQUIRE_MESSAGE(frank.handshake.synced(), frank.handshake.describe());
  const auto& channels = frank.handshake.model.channels;
  REQUIRE(channels.size() == 4);
  REQUIRE(channels.contains(stored.lobby));
  REQUIRE(channels.contains(stored.annex));
  REQUIRE(channels.contains(stored.quiet));
  const auto& lobby = channels.at(stored.lobby);
  CHECK(lobby.name() == "Lobby");
  CHECK(lobby.parent() == 0);
  CHECK(lobby.description() == "Where everyone meets");
  CHECK(channels.at(stored.annex).name() == "Annex");
  CHECK(channels.at(stored.annex).parent() == 0);
  CHECK(channels.at(stored.quiet).name() == "Quiet Room");
  CHECK(channels.at(stored.quiet).parent() == stored.lobby);
  CHECK(links_to(lobby, stored.annex));
  CHECK(links_to(channels.at(stored.annex), stored.lobby));
  CHECK(channels.at(stored.quiet).links_size() == 0);

  // The stored rule is in force: Frank may not enter the quiet room.
  MumbleProto::UserState enter;
  enter.set_channel_id(stored.quiet);
  frank.client->send(enter, deadline_in(kStep));
  auto denied = frank.client->wait_for<MumbleProto::PermissionDenied>(
      [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(kStep));
  REQUIRE(denied.has_value());
  CHECK(denied->permission() == kPermEnter);
  CHECK(denied->channel_id() == stored.quiet);

  auto admin = log_in_superuser(*server);
  const auto acl = query_acl(*admin.client, stored.quiet);
  const auto* rule = find_rule(acl, "all", false);
  REQUIRE(rule != nullptr);
  CHECK(rule->deny() == kPermEnter);
  CHECK(rule->grant() == 0);

  auto erin = log_in(*server, "erin", {}, test_identity(3));
  REQUIRE_MESSAGE(erin.handshake.synced(), erin.handshake.describe());
  const auto* erin_state = erin.handshake.model.user(erin.handshake.model.session());
  REQUIRE(erin_state != nullptr);
  CHECK(erin_state->user_id() == stored.erin_id);

  // The banned certificate gets no Version, only a closed connection.
  ClientOptions banned_options;
  banned_options.port = server->port();
  banned_options.identity = test_identity(4);
  MumbleTestClient mallory(banned_options);
  try {
    mallory.connect(deadline_in(kStep));
    CHECK(mallory.is_closed_within(deadline_in(kStep)));
  } catch (const ClientError&) {
    // Closed while the TLS handshake was still finishing: refused as well.
  }
  CHECK_FALSE(mallory.model().server_version.has_value());

  MumbleProto::BanList query;
  query.set_query(true);
  admin.client->send(query, deadline_in(kStep));
  auto bans = admin.client->wait_for<MumbleProto::BanList>([](const MumbleProto::BanList&) { return true; },
                                                          deadline_in(kStep));
  REQUIRE(bans.has_value());
  REQUIRE(bans->bans_size() == 1);
  CHECK(bans->bans(0).name() == "mallory");
  CHECK(bans->bans(0).hash().size() == 40);
  CHECK(bans->bans(0).mask() == 0);  // a certificate ban: no address was stored
}

// Adds `channel` as a listener of the client itself at `volume`; waits for the echo.
void listen_at(MumbleTestClient& client, std::uint32_t channel, float volume) {
  MumbleProto::UserState request;
  request.set_session(client.session());
  request.add_listening_channel_add(channel);
  auto* adjustment = request.add_listening_volume_adjustment();
  adjustment->set_listening_channel(channel);
  adjustment->set_volume_adjustment(volume);
  client.send(request, deadline_in(kStep));
  const auto echo = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == client.session() && s.listening_volume_adjustment_size() == 1;
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(echo.has_value(), "listener of channel " << channel << " not confirmed");
  CHECK(echo->listening_channel_add_size() == 1);
  CHECK(echo->listening_volume_adjustment(0).volume_adjustment() == volume);
}

// The UserStates about `session` that arrived after ServerSync in a handshake.
std::vector<MumbleProto::UserState> after_sync(const Handshake& handshake, std::uint32_t session) {
  std::vector<MumbleProto::UserState> out;
  bool synced = false;
  for (const auto& message : handshake.transcript) {
    if (std::holds_alternative<MumbleProto::ServerSync>(message)) synced = true;
    const auto* state = std::get_if<MumbleProto::UserState>(&message);
    if (synced && state != nullptr && state->session() == session) out.push_back(*state);
  }
  return out;
}

TEST_CASE("a registered user's channel listeners and their volumes survive a restart") {
  auto server = start_with_superuser();
  std::uint32_t lobby = 0;
  std::uint32_t annex = 0;
  {
    auto admin = log_in_superuser(*server);
    lobby = create_channel(*admin.client, 0, "Lobby");
    annex = create_channel(*admin.client, 0, "Annex");
    auto erin = log_in(*server, "erin", {}, test_identity(3), {1, 5, 0});
    REQUIRE_MESSAGE(erin.handshake.synced(), erin.handshake.describe());
    REQUIRE(register_self(*erin.client) >= 1);
    listen_at(*erin.client, lobby, 0.5F);
    listen_at(*erin.client, annex, 1.0F);
    // A guest's listener is not kept.
    auto guest = log_in(*server, "guest", {}, std::nullopt, {1, 5, 0});
    REQUIRE(guest.handshake.synced());
    listen_at(*guest.client, lobby, 2.0F);
  }
  server->restart();
  REQUIRE(server->last_exit().has_value());
  CHECK_MESSAGE(server->last_exit()->clean(), server->last_exit()->describe());

  auto frank = log_in(*server, "frank", {}, std::nullopt, {1, 5, 0});
  REQUIRE(frank.handshake.synced());
  auto erin = log_in(*server, "erin", {}, test_identity(3), {1, 5, 0});
  REQUIRE_MESSAGE(erin.handshake.synced(), erin.handshake.describe());
  const std::uint32_t own = erin.handshake.model.session();
  // Erin learns her listeners and the volume other than 1.0 after ServerSync, where Mumble's
  // client knows its own session and takes them.
  const auto told = after_sync(erin.handshake, own);
  REQUIRE(told.size() == 1);
  const auto& added = told[0].listening_channel_add();
  CHECK(std::vector<std::uint32_t>(added.begin(), added.end()) ==
        std::vector<std::uint32_t>{lobby, annex});
  REQUIRE(told[0].listening_volume_adjustment_size() == 1);
  CHECK(told[0].listening_volume_adjustment(0).listening_channel() == lobby);
  CHECK(told[0].listening_volume_adjustment(0).volume_adjustment() == 0.5F);
  // Frank learns the channels, not the volumes.
  const auto seen = frank.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == own && s.listening_channel_add_size() > 0;
      },
      deadline_in(kStep));
  REQUIRE(seen.has_value());
  CHECK(seen->listening_channel_add_size() == 2);
  CHECK(seen->listening_volume_adjustment_size() == 0);

  // The restored volume is in force: frank talks in the lobby, erin hears it at 0.5.
  MumbleProto::UserState enter;
  enter.set_channel_id(lobby);
  frank.client->send(enter, deadline_in(kStep));
  const std::uint32_t frank_session = frank.handshake.model.session();
  const auto moved = erin.client->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == frank_session && s.channel_id() == lobby;
      },
      deadline_in(kStep));
  REQUIRE(moved.has_value());
  const protocol::Bytes opus{std::byte{0xf8}, std::byte{0x01}, std::byte{0xfe}};
  protocol::VoicePacket packet;
  packet.opus = opus;
  frank.client->send_opus(packet, VoicePath::Tunnel, deadline_in(kStep));
  const auto voice = erin.client->receive_voice(deadline_in(kStep));
  REQUIRE(voice.has_value());
  const auto heard = erin.client->decode(*voice);
  REQUIRE(heard.has_value());
  CHECK(heard->target_or_context == 3);
  CHECK(heard->volume_adjustment == 0.5F);

  // The guest's listener went with the guest.
  auto guest = log_in(*server, "guest", {}, std::nullopt, {1, 5, 0});
  REQUIRE(guest.handshake.synced());
  CHECK(after_sync(guest.handshake, guest.handshake.model.session()).empty());
}

}  // namespace
}  // namespace plenum::test
