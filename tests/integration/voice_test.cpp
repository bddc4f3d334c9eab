// People talk through Plenum: voice over encrypted UDP and the TLS tunnel reaches exactly the
// listeners MUMBLE_PROTOCOL.md §5 and §6 name, in each listener's own UDP format, and the
// server-query ping tells server lists what they show.
#include "tests/integration/admin_steps.hpp"
#include "tests/support/query_ping.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <poll.h>

#include <cstring>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;
using protocol::Bytes;
using protocol::UdpFormat;

// Murmur master's default: bursts of a few packets right after login stay far below it.
constexpr std::uint32_t kVoiceBandwidth = 558000;
constexpr auto kSilence = 500ms;  // how long a listener waits to be sure nothing comes

// Every test here runs twice: with one voice thread, and with two (two SO_REUSEPORT sockets;
// each client's session is homed on the one the kernel hashes it to, so voice crosses between
// them). Called at the top of a test case, it enters one subcase per run.
PlenumOptions with_voice_threads(PlenumOptions options) {
  std::string threads;
  SUBCASE("voice_threads=1") { threads = "1"; }
  SUBCASE("voice_threads=2") { threads = "2"; }
  options.settings.extra_ini.emplace_back("voice_threads", threads);
  return options;
}

PlenumOptions voice_options() {
  PlenumOptions options = admin_options();
  options.settings.bandwidth_bps = kVoiceBandwidth;
  return with_voice_threads(std::move(options));
}

Bytes opus_frame(std::uint8_t tag) {
  return Bytes{std::byte{0xf8}, std::byte{tag}, std::byte{0xfe}, std::byte{tag}};
}

// Sends one Opus frame; `opus` must outlive the call.
void speak(MumbleTestClient& client, const Bytes& opus, std::uint64_t frame, VoicePath path = VoicePath::Udp,
           std::uint8_t target = 0) {
  protocol::VoicePacket packet;
  packet.target_or_context = target;
  packet.frame_number = frame;
  packet.opus = opus;
  client.send_opus(packet, path, deadline_in(kStep));
}

struct Heard {
  VoicePath path;
  std::uint32_t sender = 0;
  std::uint64_t frame = 0;
  std::uint8_t context = 0;
  Bytes opus;
  float volume = 1.0F;  // protobuf format only; absent = 1.0
};

std::optional<Heard> hear(MumbleTestClient& client, Clock::duration within = kStep) {
  auto voice = client.receive_voice(deadline_in(within));
  if (!voice) return std::nullopt;
  const auto decoded = client.decode(*voice);
  REQUIRE_MESSAGE(decoded.has_value(), "undecodable voice: " << decoded.error().message());
  return Heard{voice->path, decoded->sender_session, decoded->frame_number, decoded->target_or_context,
               Bytes(decoded->opus.begin(), decoded->opus.end()), decoded->volume_adjustment};
}

void hears_nothing(MumbleTestClient& client, const char* who) {
  const auto voice = client.receive_voice(deadline_in(kSilence));
  CHECK_MESSAGE(!voice.has_value(), who << " heard voice it should not");
}

// Moves the client itself into `channel` and waits for the server's confirmation.
void enter(MumbleTestClient& client, std::uint32_t channel) {
  MumbleProto::UserState move;
  move.set_session(client.session());
  move.set_channel_id(channel);
  client.send(move, deadline_in(kStep));
  const auto moved = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == client.session() && s.has_channel_id() && s.channel_id() == channel;
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(moved.has_value(), "could not enter channel " << channel);
}

// Adds `channel` to the client's own listeners and returns the server's confirmation; once it
// arrives, the voice plane routes with the listener in place.
MumbleProto::UserState start_listening(MumbleTestClient& client, std::uint32_t channel) {
  MumbleProto::UserState listen;
  listen.set_session(client.session());
  listen.add_listening_channel_add(channel);
  client.send(listen, deadline_in(kStep));
  const auto confirmed = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == client.session() && s.listening_channel_add_size() == 1 &&
               s.listening_channel_add(0) == channel;
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(confirmed.has_value(), "listening_channel_add was not confirmed");
  return *confirmed;
}

// Sets the client's own flags (or, as `actor`, another user's) and waits for the broadcast that
// carries them; once it arrives, the voice plane routes by the new flags.
void set_flags(MumbleTestClient& actor, std::uint32_t target, const MumbleProto::UserState& flags) {
  MumbleProto::UserState request = flags;
  request.set_session(target);
  actor.send(request, deadline_in(kStep));
  const auto carries = [&](const MumbleProto::UserState& s) {
    if (s.session() != target || s.actor() != actor.session()) return false;
    return (!flags.has_mute() || (s.has_mute() && s.mute() == flags.mute())) &&
           (!flags.has_self_mute() || (s.has_self_mute() && s.self_mute() == flags.self_mute())) &&
           (!flags.has_self_deaf() || (s.has_self_deaf() && s.self_deaf() == flags.self_deaf()));
  };
  const auto done = actor.wait_for<MumbleProto::UserState>(carries, deadline_in(kStep));
  REQUIRE_MESSAGE(done.has_value(), "no UserState for " << target);
}

// Sends UserState{listening_volume_adjustment {channel, factor}} for the client itself and waits
// for the echo; returns the factor the server says applies, nullopt when the echo names none.
std::optional<float> set_listener_volume(MumbleTestClient& client, std::uint32_t channel,
                                         float factor) {
  MumbleProto::UserState request;
  request.set_session(client.session());
  auto* adjustment = request.add_listening_volume_adjustment();
  adjustment->set_listening_channel(channel);
  adjustment->set_volume_adjustment(factor);
  client.send(request, deadline_in(kStep));
  const auto echo = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == client.session() && s.actor() == client.session() &&
               s.listening_channel_add_size() == 0;
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(echo.has_value(), "no echo of the listener volume for channel " << channel);
  for (const auto& echoed : echo->listening_volume_adjustment()) {
    if (echoed.listening_channel() == channel) return echoed.volume_adjustment();
  }
  return std::nullopt;
}

// The server's own counters, as logged when it shuts down.
std::string voice_summary(PlenumProcess& server) {
  server.stop();
  const std::string log = server.log();
  const auto at = log.find("voice: stopped:");
  REQUIRE_MESSAGE(at != std::string::npos, log);
  return log.substr(at, log.find('\n', at) - at);
}

// Sends `count` server-query pings back to back from one socket and counts the replies that
// arrive before the server falls silent.
std::size_t answered_queries(std::uint16_t port, std::uint8_t count) {
  using boost::asio::ip::udp;
  boost::asio::io_context io;
  udp::socket socket(io, udp::endpoint(udp::v4(), 0));
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  for (std::uint8_t i = 0; i < count; ++i) {
    const std::array<std::uint8_t, 12> request{0, 0, 0, 0, i, 0, 0, 0, 0, 0, 0, 1};
    socket.send(boost::asio::buffer(request));
  }
  std::size_t replies = 0;
  pollfd readable{socket.native_handle(), POLLIN, 0};
  while (::poll(&readable, 1, static_cast<int>(kSilence.count())) == 1) {
    std::array<std::uint8_t, 64> reply{};
    socket.receive(boost::asio::buffer(reply));
    ++replies;
  }
  return replies;
}

}  // namespace

TEST_SUITE("voice") {
  TEST_CASE("two clients in a channel exchange encrypted UDP voice, a third elsewhere hears nothing") {
    auto server = start_with_superuser(voice_options());
    auto admin = log_in_superuser(*server);
    const std::uint32_t other = create_channel(*admin.client, 0, "Other");
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob");
    auto carol = join_voice(*server, "carol");
    enter(*carol.client, other);

    const Bytes first = opus_frame(1), second = opus_frame(2), third = opus_frame(3);
    speak(*alice.client, first, 0);
    speak(*alice.client, second, 2);
    speak(*alice.client, third, 4);
    for (const auto& [opus, frame] : {std::pair{&first, 0}, std::pair{&second, 2}, std::pair{&third, 4}}) {
      const auto heard = hear(*bob.client);
      REQUIRE(heard.has_value());
      CHECK(heard->path == VoicePath::Udp);
      CHECK(heard->sender == alice.client->session());
      CHECK(heard->frame == static_cast<std::uint64_t>(frame));
      CHECK(heard->context == 0);
      CHECK(heard->opus == *opus);
    }
    hears_nothing(*carol.client, "carol in another channel");
    hears_nothing(*alice.client, "the speaker");

    // And back: bob answers, alice hears him.
    speak(*bob.client, first, 0);
    const auto answer = hear(*alice.client);
    REQUIRE(answer.has_value());
    CHECK(answer->sender == bob.client->session());
    CHECK(answer->path == VoicePath::Udp);
  }

  TEST_CASE("a whisper reaches exactly its user, a shout exactly its channel tree") {
    auto server = start_with_superuser(voice_options());
    auto admin = log_in_superuser(*server);
    const std::uint32_t hall = create_channel(*admin.client, 0, "Hall");
    const std::uint32_t room = create_channel(*admin.client, hall, "Room");
    const std::uint32_t other = create_channel(*admin.client, 0, "Other");
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob");
    auto carol = join_voice(*server, "carol");
    auto dave = join_voice(*server, "dave");
    enter(*bob.client, hall);
    enter(*carol.client, room);
    enter(*dave.client, other);

    MumbleProto::VoiceTarget whisper;
    whisper.set_id(1);
    whisper.add_targets()->add_session(dave.client->session());
    alice.client->send(whisper, deadline_in(kStep));
    MumbleProto::VoiceTarget shout;
    shout.set_id(2);
    auto* tree = shout.add_targets();
    tree->set_channel_id(hall);
    tree->set_children(true);
    alice.client->send(shout, deadline_in(kStep));
    // The targets are in place once a later message has been answered.
    REQUIRE(alice.client->ping_tcp(deadline_in(kStep)));

    const Bytes opus = opus_frame(9);
    speak(*alice.client, opus, 0, VoicePath::Udp, 1);
    const auto whispered = hear(*dave.client);
    REQUIRE(whispered.has_value());
    CHECK(whispered->context == 2);
    CHECK(whispered->sender == alice.client->session());
    hears_nothing(*bob.client, "bob (not whispered to)");
    hears_nothing(*carol.client, "carol (not whispered to)");

    speak(*alice.client, opus, 2, VoicePath::Udp, 2);
    for (auto* listener : {bob.client.get(), carol.client.get()}) {
      const auto shouted = hear(*listener);
      REQUIRE(shouted.has_value());
      CHECK(shouted->context == 1);
      CHECK(shouted->frame == 2);
    }
    hears_nothing(*dave.client, "dave (outside the shouted tree)");

    // An id never registered goes nowhere.
    speak(*alice.client, opus, 4, VoicePath::Udp, 3);
    hears_nothing(*bob.client, "bob (unknown target)");
  }

  TEST_CASE("self-muted, admin-muted and suppressed speakers are not forwarded") {
    auto server = start_with_superuser(voice_options());
    auto admin = log_in_superuser(*server);
    const std::uint32_t quiet = create_channel(*admin.client, 0, "Quiet");
    set_acl(*admin.client, quiet, {group_rule("all", 0, 0x8 /* Speak */)});
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob");
    const Bytes opus = opus_frame(5);

    MumbleProto::UserState self_mute;
    self_mute.set_self_mute(true);
    set_flags(*alice.client, alice.client->session(), self_mute);
    speak(*alice.client, opus, 0);
    hears_nothing(*bob.client, "bob (alice self-muted)");
    MumbleProto::UserState unmute;
    unmute.set_self_mute(false);
    set_flags(*alice.client, alice.client->session(), unmute);
    speak(*alice.client, opus, 2);
    REQUIRE(hear(*bob.client).has_value());

    MumbleProto::UserState mute;
    mute.set_mute(true);
    set_flags(*admin.client, alice.client->session(), mute);
    speak(*alice.client, opus, 4);
    hears_nothing(*bob.client, "bob (alice muted by an admin)");
    MumbleProto::UserState unmuted;
    unmuted.set_mute(false);
    set_flags(*admin.client, alice.client->session(), unmuted);

    // Without Speak in Quiet, alice is suppressed there; bob, in Quiet too, hears nothing.
    enter(*bob.client, quiet);
    enter(*alice.client, quiet);
    speak(*alice.client, opus, 6);
    hears_nothing(*bob.client, "bob (alice suppressed)");
  }

  TEST_CASE("a deafened listener receives nothing, the others still do") {
    auto server = start_plenum(voice_options());
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob");
    auto carol = join_voice(*server, "carol");
    MumbleProto::UserState deaf;
    deaf.set_self_deaf(true);
    set_flags(*bob.client, bob.client->session(), deaf);
    // Alice learns of it too; her next packet is routed after the change.
    REQUIRE(alice.client->wait_for<MumbleProto::UserState>(
        [&](const MumbleProto::UserState& s) { return s.session() == bob.client->session() && s.self_deaf(); },
        deadline_in(kStep)));
    const Bytes opus = opus_frame(6);
    speak(*alice.client, opus, 0);
    REQUIRE(hear(*carol.client).has_value());
    hears_nothing(*bob.client, "bob (deafened)");
  }

  TEST_CASE("a client that never sends UDP talks and listens through the TLS tunnel") {
    auto server = start_plenum(voice_options());
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob", false);
    const Bytes hello = opus_frame(7), reply = opus_frame(8);

    speak(*bob.client, hello, 0, VoicePath::Tunnel);
    const auto at_alice = hear(*alice.client);
    REQUIRE(at_alice.has_value());
    CHECK(at_alice->path == VoicePath::Udp);
    CHECK(at_alice->sender == bob.client->session());
    CHECK(at_alice->opus == hello);

    speak(*alice.client, reply, 0, VoicePath::Udp);
    const auto at_bob = hear(*bob.client);
    REQUIRE(at_bob.has_value());
    CHECK(at_bob->path == VoicePath::Tunnel);
    CHECK(at_bob->sender == alice.client->session());
    CHECK(at_bob->opus == reply);
    CHECK(bob.client->stats().udp_sent == 0);
  }

  TEST_CASE("a legacy (1.3.4) and a protobuf (1.5.0) client hear each other") {
    auto server = start_plenum(voice_options());
    auto old_client = join_voice(*server, "oldtimer", true, {1, 3, 4});
    auto new_client = join_voice(*server, "newcomer", true, {1, 5, 0});
    REQUIRE(old_client.client->udp_format() == UdpFormat::Legacy);
    REQUIRE(new_client.client->udp_format() == UdpFormat::Protobuf);
    const Bytes a = opus_frame(10), b = opus_frame(11);

    speak(*old_client.client, a, 6);
    const auto at_new = hear(*new_client.client);
    REQUIRE(at_new.has_value());
    CHECK(at_new->sender == old_client.client->session());
    CHECK(at_new->frame == 6);
    CHECK(at_new->opus == a);

    speak(*new_client.client, b, 8);
    const auto at_old = hear(*old_client.client);
    REQUIRE(at_old.has_value());
    CHECK(at_old->sender == new_client.client->session());
    CHECK(at_old->frame == 8);
    CHECK(at_old->opus == b);
  }

  TEST_CASE("a 1.5 client listening to another channel hears its talk as context 3") {
    auto server = start_with_superuser(voice_options());
    auto admin = log_in_superuser(*server);
    const std::uint32_t hall = create_channel(*admin.client, 0, "Hall");
    auto alice = join_voice(*server, "alice");
    auto listener = join_voice(*server, "listener", true, {1, 5, 0});
    auto bystander = join_voice(*server, "bystander");
    enter(*alice.client, hall);

    start_listening(*listener.client, hall);

    const Bytes opus = opus_frame(12);
    speak(*alice.client, opus, 0);
    const auto heard = hear(*listener.client);
    REQUIRE(heard.has_value());
    CHECK(heard->context == 3);
    CHECK(heard->sender == alice.client->session());
    CHECK(heard->opus == opus);
    hears_nothing(*bystander.client, "bystander (in the root channel, not listening)");

    // The listener's own talk stays in its channel: alice, in the hall, hears nothing of it.
    speak(*listener.client, opus, 0);
    const auto at_bystander = hear(*bystander.client);
    REQUIRE(at_bystander.has_value());
    CHECK(at_bystander->context == 0);
    hears_nothing(*alice.client, "alice (the listener talks in its own channel)");
  }

  TEST_CASE("a 1.5 listener's volume comes with its context 3 voice, and only it learns it") {
    auto server = start_with_superuser(voice_options());
    auto admin = log_in_superuser(*server);
    const std::uint32_t hall = create_channel(*admin.client, 0, "Hall");
    auto alice = join_voice(*server, "alice");
    auto listener = join_voice(*server, "listener", true, {1, 5, 0});
    auto member = join_voice(*server, "member", true, {1, 5, 0});
    enter(*alice.client, hall);
    enter(*member.client, hall);

    // Adding a listener is confirmed to its client with the volume that applies: 1.0.
    const auto added = start_listening(*listener.client, hall);
    REQUIRE(added.listening_volume_adjustment_size() == 1);
    CHECK(added.listening_volume_adjustment(0).volume_adjustment() == 1.0F);

    CHECK(set_listener_volume(*listener.client, hall, 0.5F) == 0.5F);
    const Bytes opus = opus_frame(21);
    speak(*alice.client, opus, 0);
    const auto heard = hear(*listener.client);
    REQUIRE(heard.has_value());
    CHECK(heard->context == 3);
    CHECK(heard->volume == 0.5F);
    CHECK(heard->opus == opus);
    // A member of the hall hears the same talk unchanged.
    const auto at_member = hear(*member.client);
    REQUIRE(at_member.has_value());
    CHECK(at_member->context == 0);
    CHECK(at_member->volume == 1.0F);

    // A factor out of range is refused: the echo says 0.5 still applies, and it does.
    CHECK(set_listener_volume(*listener.client, hall, 1000.0F) == 0.5F);
    CHECK(set_listener_volume(*listener.client, 0, 2.0F) == std::nullopt);  // not listening there
    speak(*alice.client, opus, 1);
    const auto again = hear(*listener.client);
    REQUIRE(again.has_value());
    CHECK(again->volume == 0.5F);
    CHECK(hear(*member.client).has_value());

    // Nobody else was told any volume (Murmur's broadcastlistenervolumeadjustments = false).
    for (auto* other : {alice.client.get(), member.client.get(), admin.client.get()}) {
      const auto told = other->wait_for<MumbleProto::UserState>(
          [](const MumbleProto::UserState& s) { return s.listening_volume_adjustment_size() > 0; },
          deadline_in(std::chrono::milliseconds(100)));
      CHECK_FALSE(told.has_value());
    }
  }

  TEST_CASE("a replayed and a tampered datagram are dropped") {
    auto server = start_plenum(voice_options());
    auto alice = join_voice(*server, "alice", false);
    auto bob = join_voice(*server, "bob");
    // Alice's UDP comes from a socket of the test's own, with her keys, so that it can send
    // the very same datagram twice.
    const auto& setup = *alice.handshake.model.crypt_setup;
    const auto to_array = [](const std::string& text) {
      std::array<std::byte, 16> out{};
      REQUIRE(text.size() == out.size());
      std::memcpy(out.data(), text.data(), out.size());
      return out;
    };
    protocol::CryptStateOCB2 crypt;
    REQUIRE(crypt.set_key(to_array(setup.key()), to_array(setup.client_nonce()), to_array(setup.server_nonce())));
    boost::asio::io_context io;
    boost::asio::ip::udp::socket socket{io, boost::asio::ip::udp::v4()};
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server->port()});
    const auto send = [&](const Bytes& datagram) { socket.send(boost::asio::buffer(datagram)); };
    const auto encrypt = [&](std::uint8_t seq) {
      const Bytes plain{std::byte{0x80}, std::byte{seq}, std::byte{0x02}, std::byte{0xf8}, std::byte{seq}};
      Bytes datagram(plain.size() + 4);
      REQUIRE(crypt.encrypt(plain, datagram).has_value());
      return datagram;
    };

    const Bytes once = encrypt(2);
    send(once);
    send(once);
    const auto heard = hear(*bob.client);
    REQUIRE(heard.has_value());
    CHECK(heard->frame == 2);
    hears_nothing(*bob.client, "bob (replay)");

    // The intact original follows its tampered copy, so it is in order: a failed datagram must
    // not move the window. (A later, gap datagram would meet Mumble's history quirk, §7.5: 1 in
    // 256 nonces makes a gap datagram read as a replay.)
    const Bytes intact = encrypt(4);
    Bytes tampered = intact;
    tampered.back() ^= std::byte{0x40};
    send(tampered);
    hears_nothing(*bob.client, "bob (tampered)");
    send(intact);
    const auto after = hear(*bob.client);
    // The server's counters say where a missing frame went (stale, decrypt, unknown endpoint).
    const std::string summary = voice_summary(*server);
    REQUIRE_MESSAGE(after.has_value(), summary);
    CHECK(after->frame == 4);

    CHECK_MESSAGE(summary.find("replay=1") != std::string::npos, summary);
    CHECK_MESSAGE(summary.find("decrypt_failed=1") != std::string::npos, summary);
  }

  TEST_CASE("the server-query ping reports version 1.5.0, users, max users and bandwidth") {
    auto server = start_plenum(with_voice_threads(integration_options()));
    auto alice = join_voice(*server, "alice");
    auto bob = join_voice(*server, "bob", false);
    const std::array<std::uint8_t, 8> ident{8, 7, 6, 5, 4, 3, 2, 1};
    const auto reply = query_ping("127.0.0.1", server->port(), ident, deadline_in(kStep));
    REQUIRE(reply.has_value());
    CHECK(reply->size == 24);
    CHECK(reply->version_v1 == 0x00010500U);
    CHECK(reply->ident == ident);
    CHECK(reply->users == 2);
    CHECK(reply->max_users == 5000);
    CHECK(reply->bandwidth_bps == 72000);
  }

  TEST_CASE("query_per_source_burst caps the server-query pings answered to one address") {
    PlenumOptions options = integration_options();
    // The default burst (20) would answer all ten; one token a second barely refills meanwhile.
    options.settings.extra_ini.emplace_back("query_per_source_burst", "2");
    options.settings.extra_ini.emplace_back("query_per_source_per_second", "1");
    auto server = start_plenum(options);
    const std::size_t answered = answered_queries(server->port(), 10);
    CHECK(answered >= 2);
    CHECK(answered <= 3);  // 3: the server was descheduled for over a second between two pings
    const std::string summary = voice_summary(*server);
    CHECK_MESSAGE(summary.find("queries=" + std::to_string(answered) + " ") != std::string::npos,
                  summary);
    const std::string limited = "query_limited=" + std::to_string(10 - answered);
    CHECK_MESSAGE(summary.find(limited) != std::string::npos, summary);
  }
}

}  // namespace plenum::test
