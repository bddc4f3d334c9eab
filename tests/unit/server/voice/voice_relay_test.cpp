// The voice plane's packet path without sockets: real crypto on both ends, datagrams in,
// encrypted datagrams and tunnel frames out.
#include "server/voice/voice_relay.hpp"

#include "unit/server/voice/recording_link.hpp"

#include "protocol/control_message.hpp"
#include "protocol/udp_ping.hpp"

#include <doctest/doctest.h>

#include <map>

namespace plenum::server::voice {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using boost::asio::ip::udp;
using protocol::Bytes;
using protocol::ByteView;
using protocol::CryptStateOCB2;
using protocol::UdpFormat;
using Clock = VoiceRelay::Clock;

using testing::bytes;
using FakeLink = testing::RecordingLink;

// One client: its own half of the crypto and its UDP source.
struct Client {
  SessionId session = 0;
  UdpFormat format = UdpFormat::Legacy;
  udp::endpoint endpoint;
  CryptStateOCB2 crypt;
};

struct Sent {
  udp::endpoint to;
  Bytes datagram;
};

struct Relay {
  Clock::time_point now = Clock::time_point{} + 1h;
  FakeLink link;
  VoiceCounters counters;
  std::vector<Sent> sent;
  Outbox outbox{4,
                [this](std::span<const OutgoingDatagram> datagrams) {
                  for (const auto& d : datagrams) sent.push_back({d.to, Bytes(d.view().begin(), d.view().end())});
                  return datagrams.size();
                },
                counters};
  VoiceSettings settings;
  EngineRing engine{8};
  std::unique_ptr<VoiceRelay> relay;
  std::shared_ptr<RoutingSnapshot> snapshot = std::make_shared<RoutingSnapshot>();
  std::map<SessionId, Client> clients;

  explicit Relay(VoiceSettings voice_settings = {}) : settings{voice_settings} {
    settings.version = {1, 5, 0};
    relay = std::make_unique<VoiceRelay>(settings, outbox, link, counters, now, nullptr, 0, &engine);
  }

  // A session in the root channel, heard and hearing, from `ip`:`port`.
  Client& add(SessionId session, UdpFormat format = UdpFormat::Legacy, const char* ip = "127.0.0.1",
              std::uint16_t port = 0) {
    auto server = CryptStateOCB2::generate();
    AddVoiceSession add{session, server.key(), server.encrypt_iv(), server.decrypt_iv(), format,
                        ip_key(make_address(ip))};
    relay->add_session(add, now);
    Client& client = clients[session];
    client.session = session;
    client.format = format;
    client.endpoint = udp::endpoint(make_address(ip), port != 0 ? port : static_cast<std::uint16_t>(40000 + session));
    REQUIRE(client.crypt.set_key(server.key(), server.decrypt_iv(), server.encrypt_iv()));
    snapshot->speakers[session] = SpeakerRoutes{0, false, {0}, {}};
    snapshot->listeners[0].push_back(session);
    ++snapshot->user_count;
    relay->set_snapshot(snapshot);
    return client;
  }

  Bytes encrypt(Client& client, ByteView plaintext) {
    Bytes datagram(plaintext.size() + CryptStateOCB2::kHeaderSize);
    REQUIRE(client.crypt.encrypt(plaintext, datagram).has_value());
    return datagram;
  }

  void datagram(const udp::endpoint& from, ByteView bytes, std::chrono::nanoseconds waited = {}) {
    now += 20ms;
    relay->on_datagram(Datagram{bytes, from, {}, false, waited}, now);
    outbox.flush_udp();
    link.deliver_tunnel(outbox.take_tunnel());
  }

  void from(Client& client, ByteView plaintext) { datagram(client.endpoint, encrypt(client, plaintext)); }

  void tunnel(Client& client, ByteView plaintext) {
    now += 20ms;
    relay->on_tunnel(client.session, plaintext, now);
    outbox.flush_udp();
    link.deliver_tunnel(outbox.take_tunnel());
  }

  // Pings so that the relay learns the client's address.
  void ping(Client& client) {
    if (client.format == UdpFormat::Legacy) {
      from(client, bytes({0x20, 0x01}));
    } else {
      std::array<std::byte, 16> ping{};
      const auto size = protocol::encode_protobuf_ping({.timestamp = 1}, ping);
      REQUIRE(size.has_value());
      from(client, ByteView(ping.data(), *size));
    }
    REQUIRE(take_udp(client).size() == 1);
  }

  // Decrypted datagrams sent to `client` so far, removed from `sent`.
  std::vector<Bytes> take_udp(Client& client) {
    std::vector<Bytes> out;
    std::erase_if(sent, [&](const Sent& s) {
      if (s.to != client.endpoint) return false;
      Bytes plain(s.datagram.size() - CryptStateOCB2::kHeaderSize);
      auto size = client.crypt.decrypt(s.datagram, plain, now);
      REQUIRE(size.has_value());
      plain.resize(*size);
      out.push_back(std::move(plain));
      return true;
    });
    return out;
  }

  std::vector<Bytes> take_tunnel(SessionId session) {
    std::vector<Bytes> out;
    std::erase_if(link.tunnel, [&](const TunnelFrame& frame) {
      if (frame.session != session) return false;
      out.push_back(frame.frame);
      return true;
    });
    return out;
  }
};

// Alice's `80 00 03 f8 ff fe` as a listener must see it, with her session inserted (§4.3).
Bytes heard_from(SessionId speaker, unsigned header = 0x80) {
  return bytes({header, static_cast<unsigned>(speaker), 0x00, 0x03, 0xf8, 0xff, 0xfe});
}
const Bytes kVoice = bytes({0x80, 0x00, 0x03, 0xf8, 0xff, 0xfe});

}  // namespace

TEST_SUITE("voice.relay") {
  TEST_CASE("an unknown source is bound to the session at its TCP peer IP, pings come back verbatim") {
    Relay f;
    Client& alice = f.add(1);
    f.from(alice, bytes({0x20, 0xc1, 0xe2, 0x40}));
    CHECK(f.take_udp(alice) == std::vector<Bytes>{bytes({0x20, 0xc1, 0xe2, 0x40})});
    CHECK(f.counters.endpoints_learned == 1);
    REQUIRE(f.relay->session(1)->has_endpoint);

    // Same keys, another IP: not a candidate.
    Client stranger;
    stranger.endpoint = udp::endpoint(make_address("192.0.2.9"), 5000);
    REQUIRE(stranger.crypt.set_key(alice.crypt.key(), alice.crypt.encrypt_iv(), alice.crypt.decrypt_iv()));
    f.from(stranger, bytes({0x20, 0x01}));
    CHECK(f.sent.empty());
    CHECK(f.counters.dropped(DropReason::UnknownEndpoint) == 1);
  }

  TEST_CASE("a protobuf connectivity ping is answered in kind") {
    Relay f;
    Client& carol = f.add(3, UdpFormat::Protobuf);
    std::array<std::byte, 32> ping{};
    const auto size = protocol::encode_protobuf_ping({.timestamp = 77}, ping);
    REQUIRE(size.has_value());
    f.from(carol, ByteView(ping.data(), *size));
    const auto replies = f.take_udp(carol);
    REQUIRE(replies.size() == 1);
    const auto parsed = protocol::parse_protobuf_ping(replies[0]);
    REQUIRE(parsed.has_value());
    CHECK(parsed->timestamp == 77);
  }

  TEST_CASE("voice reaches UDP listeners encrypted for each, and others through the tunnel") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    Client& carol = f.add(3);  // never sends UDP
    f.ping(alice);
    f.ping(bob);
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.take_udp(alice).empty());
    CHECK(f.take_tunnel(3) == std::vector<Bytes>{protocol::encode_tunnel_frame(heard_from(1))});
    CHECK(f.take_udp(carol).empty());
    CHECK(f.counters.voice_packets == 1);
    CHECK(f.relay->session(1)->udp_packets == 1);
  }

  TEST_CASE("legacy and protobuf listeners each get their format, each encoding built once") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    Client& carol = f.add(3, UdpFormat::Protobuf);
    Client& dave = f.add(4, UdpFormat::Protobuf);
    for (Client* c : {&alice, &bob, &carol, &dave}) f.ping(*c);
    protocol::VoicePacket packet;
    packet.frame_number = 42;
    const Bytes opus = bytes({1, 2, 3, 4, 5});
    packet.opus = opus;
    packet.terminator = true;
    std::array<std::byte, protocol::kMaxUdpPlaintextSize> plain{};
    const auto size = protocol::encode_voice(packet, UdpFormat::Legacy, protocol::Direction::ToServer, plain);
    REQUIRE(size.has_value());
    f.from(alice, ByteView(plain.data(), *size));
    CHECK(f.counters.encodings == 2);
    for (Client* listener : {&bob, &carol, &dave}) {
      const auto got = f.take_udp(*listener);
      REQUIRE(got.size() == 1);
      const auto decoded = listener->format == UdpFormat::Legacy
                               ? protocol::decode_legacy_voice(got[0], protocol::Direction::ToClient)
                               : protocol::decode_protobuf_voice(got[0], protocol::Direction::ToClient);
      REQUIRE(decoded.has_value());
      CHECK(decoded->sender_session == 1);
      CHECK(decoded->frame_number == 42);
      CHECK(decoded->terminator);
      CHECK(decoded->target_or_context == 0);
      CHECK(Bytes(decoded->opus.begin(), decoded->opus.end()) == opus);
    }
  }

  TEST_CASE("whispers carry their context, loopback returns to the speaker") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    f.snapshot->speakers[1].whisper_targets.push_back({1, {{2, protocol::AudioContext::Whisper}}});
    f.from(alice, bytes({0x81, 0x00, 0x03, 0xf8, 0xff, 0xfe}));
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1, 0x82)});
    f.from(alice, bytes({0x9f, 0x02, 0x03, 0xf8, 0xff, 0xfe}));
    CHECK(f.take_udp(alice) == std::vector<Bytes>{bytes({0x80, 0x01, 0x02, 0x03, 0xf8, 0xff, 0xfe})});
    CHECK(f.take_udp(bob).empty());
    f.from(alice, bytes({0x85, 0x00, 0x03, 0xf8, 0xff, 0xfe}));
    CHECK(f.counters.dropped(DropReason::UnknownTarget) == 1);
  }

  TEST_CASE("a replayed or tampered datagram is dropped") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    const Bytes datagram = f.encrypt(alice, kVoice);
    f.datagram(alice.endpoint, datagram);
    f.datagram(alice.endpoint, datagram);
    CHECK(f.take_udp(bob).size() == 1);
    CHECK(f.counters.dropped(DropReason::Replay) == 1);

    Bytes tampered = f.encrypt(alice, kVoice);
    tampered.back() ^= std::byte{0x01};
    f.datagram(alice.endpoint, tampered);
    CHECK(f.take_udp(bob).empty());
    CHECK(f.counters.dropped(DropReason::DecryptFailed) == 1);
  }

  TEST_CASE("silenced speakers, CELT and oversize or tiny datagrams go nowhere") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    f.snapshot->speakers[1].silenced = true;
    f.from(alice, kVoice);
    CHECK(f.counters.dropped(DropReason::Silenced) == 1);
    f.snapshot->speakers[1].silenced = false;
    f.from(alice, bytes({0x00, 0x00, 0x03, 0x01, 0x02, 0x03}));  // CELT alpha
    CHECK(f.counters.dropped(DropReason::NotOpus) == 1);
    f.datagram(alice.endpoint, bytes({1, 2, 3, 4}));
    CHECK(f.counters.dropped(DropReason::TooShort) == 1);
    f.datagram(alice.endpoint, Bytes(1025));
    CHECK(f.counters.dropped(DropReason::TooLong) == 1);
    CHECK(f.take_udp(bob).empty());
  }

  TEST_CASE("a speaker above the bandwidth limit is cut off") {
    VoiceSettings settings;
    settings.bandwidth_bps = 8000;  // 1000 B/s; each packet here costs 38 bytes per 20 ms
    Relay f{settings};
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    // 100 packets over 2 s are 3800 bytes; with the 1 s of idle history a session starts
    // with, 3000 may pass.
    for (int i = 0; i < 100; ++i) f.from(alice, kVoice);
    CHECK(f.counters.dropped(DropReason::OverBandwidth) > 0);
    CHECK(f.take_udp(bob).size() == 100 - f.counters.dropped(DropReason::OverBandwidth));
  }

  TEST_CASE("tunnelled voice is routed like UDP voice and moves the sender to the tunnel") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    f.tunnel(bob, kVoice);
    CHECK(f.take_udp(alice) == std::vector<Bytes>{heard_from(2)});
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob).empty());
    CHECK(f.take_tunnel(2).size() == 1);
    // UDP voice from bob brings him back to UDP.
    f.from(bob, kVoice);
    CHECK(f.take_udp(alice).size() == 1);
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob).size() == 1);
    f.tunnel(bob, bytes({0x20, 0x05}));
    CHECK(f.counters.dropped(DropReason::TunnelPing) == 1);
  }

  TEST_CASE("a client on a new port (NAT rebinding) is found again") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    alice.endpoint.port(alice.endpoint.port() + 1000);
    f.from(alice, bytes({0x20, 0x07}));
    CHECK(f.take_udp(alice).size() == 1);
    CHECK(f.counters.endpoints_learned == 3);
  }

  TEST_CASE("the server-query ping reports users and settings, when allowed") {
    VoiceSettings settings;
    settings.max_users = 250;
    settings.bandwidth_bps = 64000;
    Relay f{settings};
    f.add(1);
    f.add(2);
    const udp::endpoint lister(make_address("198.51.100.4"), 6000);
    f.datagram(lister, bytes({0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
    REQUIRE(f.sent.size() == 1);
    CHECK(f.sent[0].to == lister);
    const auto reply = protocol::parse_query_reply(f.sent[0].datagram);
    REQUIRE(reply.has_value());
    CHECK(f.sent[0].datagram.size() == 24);
    CHECK(reply->status.version == protocol::Version{1, 5, 0});
    CHECK(reply->status.user_count == 2);
    CHECK(reply->status.max_user_count == 250);
    CHECK(reply->status.max_bandwidth_bps == 64000);
    CHECK(f.counters.queries_answered == 1);

    VoiceSettings closed;
    closed.allow_ping = false;
    Relay g{closed};
    g.datagram(lister, bytes({0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
    CHECK(g.sent.empty());
  }

  TEST_CASE("a datagram that waited in the receive queue too long is not routed") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    const auto good_before = f.relay->session(1)->crypt.local_stats().good;
    f.datagram(alice.endpoint, f.encrypt(alice, kVoice), 81ms);
    CHECK(f.take_udp(bob).empty());
    CHECK(f.counters.dropped(DropReason::Stale) == 1);
    // Decrypted nonetheless: the replay window and counters stay in step with the client.
    CHECK(f.relay->session(1)->crypt.local_stats().good == good_before + 1);
    f.datagram(alice.endpoint, f.encrypt(alice, kVoice), 79ms);
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.counters.dropped(DropReason::Stale) == 1);
  }

  TEST_CASE("server-query pings beyond a source's rate go unanswered and are counted") {
    VoiceSettings settings;
    settings.query = {.replies_per_second = 1000, .per_source_per_second = 5, .per_source_burst = 10};
    Relay f{settings};
    const udp::endpoint flood(make_address("203.0.113.7"), 6000);
    const Bytes query = bytes({0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    // 100 queries, 20 ms apart: the burst of 10 plus 5 a second for two seconds.
    for (int i = 0; i < 100; ++i) f.datagram(flood, query);
    CHECK(f.counters.queries_answered >= 10);
    CHECK(f.counters.queries_answered <= 21);
    CHECK(f.sent.size() == f.counters.queries_answered);
    CHECK(f.counters.dropped(DropReason::QueryLimited) == 100 - f.counters.queries_answered);
    // Another source is answered meanwhile.
    f.sent.clear();
    f.datagram(udp::endpoint(make_address("198.51.100.4"), 6000), query);
    CHECK(f.sent.size() == 1);
  }

  TEST_CASE("a channel listener hears normal talk with context 3, a member with context 0") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    Client& carol = f.add(3);
    f.ping(alice);
    f.ping(bob);
    f.ping(carol);
    // Carol sits in channel 5 and listens to the root channel.
    f.snapshot->speakers[3].channel = 5;
    f.snapshot->speakers[3].normal_channels = {5};
    f.snapshot->listeners[0] = {1, 2};
    f.snapshot->listeners[5] = {3};
    f.snapshot->channel_listeners[0] = {{3, 5}};
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.take_udp(carol) == std::vector<Bytes>{heard_from(1, 0x83)});
    // Carol's own talk stays in channel 5.
    f.from(carol, kVoice);
    CHECK(f.take_udp(alice).empty());
    CHECK(f.take_udp(bob).empty());
  }

  TEST_CASE("protobuf listeners get their volume with context 3, legacy ones and members none") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2, UdpFormat::Protobuf);  // a member of alice's channel
    // Listeners of the root channel, sitting in channel 5, with their volumes.
    const std::vector<std::pair<SessionId, float>> listening{
        {3, 0.5F}, {4, 0.5F}, {5, 2.0F}, {6, 1.0F}, {7, 0.5F}};
    for (const auto& [session, volume] : listening) {
      f.add(session, session == 7 ? UdpFormat::Legacy : UdpFormat::Protobuf);
      f.snapshot->speakers[session].channel = 5;
      f.snapshot->speakers[session].normal_channels = {5};
      f.snapshot->channel_listeners[0].push_back({session, 5, volume});
    }
    f.snapshot->listeners[0] = {1, 2};
    for (auto& [session, client] : f.clients) f.ping(client);
    f.from(alice, kVoice);

    const auto heard = [&](SessionId session) {
      const auto got = f.take_udp(f.clients[session]);
      REQUIRE(got.size() == 1);
      auto decoded = protocol::decode_protobuf_voice(got[0], protocol::Direction::ToClient);
      REQUIRE(decoded.has_value());
      CHECK(decoded->sender_session == 1);
      return std::pair{decoded->target_or_context, decoded->volume_adjustment};
    };
    CHECK(heard(2) == std::pair{std::uint8_t{0}, 1.0F});
    CHECK(heard(3) == std::pair{std::uint8_t{3}, 0.5F});
    CHECK(heard(4) == std::pair{std::uint8_t{3}, 0.5F});
    CHECK(heard(5) == std::pair{std::uint8_t{3}, 2.0F});
    CHECK(heard(6) == std::pair{std::uint8_t{3}, 1.0F});
    // The legacy format has no volume field: the same bytes as any legacy listener gets.
    CHECK(f.take_udp(f.clients[7]) == std::vector<Bytes>{heard_from(1, 0x83)});
    // Protobuf context 0, protobuf context 3 at 1.0, at 0.5 (shared), at 2.0; legacy context 3.
    CHECK(f.counters.encodings == 5);
    CHECK(f.take_udp(alice).empty());
    CHECK(f.take_udp(bob).empty());
  }

  TEST_CASE("more distinct listener volumes than kept encodings: each listener still gets its own") {
    Relay f;
    Client& alice = f.add(1);
    const std::vector<float> volumes{0.25F, 0.5F, 0.75F, 1.5F, 2.0F, 3.0F, 4.0F, 0.5F, 8.0F, 0.25F};
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      const auto session = static_cast<SessionId>(10 + i);
      f.add(session, UdpFormat::Protobuf);
      f.snapshot->speakers[session].channel = 5;
      f.snapshot->channel_listeners[0].push_back({session, 5, volumes[i]});
    }
    f.snapshot->listeners[0] = {1};
    for (auto& [session, client] : f.clients) f.ping(client);
    for (int packet = 0; packet < 2; ++packet) {
      f.from(alice, kVoice);
      for (std::size_t i = 0; i < volumes.size(); ++i) {
        const auto got = f.take_udp(f.clients[static_cast<SessionId>(10 + i)]);
        REQUIRE(got.size() == 1);
        const auto decoded = protocol::decode_protobuf_voice(got[0], protocol::Direction::ToClient);
        REQUIRE(decoded.has_value());
        CHECK(decoded->target_or_context == 3);
        CHECK(decoded->volume_adjustment == volumes[i]);
      }
    }
  }

  TEST_CASE("failing datagrams after 5 s without a good one ask the client to resync, once") {
    Relay f;
    Client& alice = f.add(1);
    f.ping(alice);
    f.now += 6s;
    f.datagram(alice.endpoint, Bytes(20, std::byte{0x55}));
    f.datagram(alice.endpoint, Bytes(20, std::byte{0x56}));
    CHECK(f.link.resyncs == std::vector<SessionId>{1});

    // The client's IV drifted; its CryptSetup{client_nonce} brings us back in step.
    CryptStateOCB2 fresh = CryptStateOCB2::generate();
    REQUIRE(alice.crypt.set_key(alice.crypt.key(), fresh.encrypt_iv(), alice.crypt.decrypt_iv()));
    f.from(alice, bytes({0x20, 0x09}));
    CHECK(f.take_udp(alice).empty());
    f.relay->set_decrypt_iv(1, alice.crypt.encrypt_iv());
    f.from(alice, bytes({0x20, 0x0a}));
    CHECK(f.take_udp(alice).size() == 1);
    CHECK(f.relay->session(1)->crypt.local_stats().resync == 1);
  }

  TEST_CASE("our current IV goes out on request, and changed counters are reported once") {
    Relay f;
    Client& alice = f.add(1);
    f.ping(alice);
    f.relay->send_encrypt_iv(1);
    REQUIRE(f.link.nonces.size() == 1);
    CHECK(f.link.nonces[0].second == alice.crypt.decrypt_iv());

    std::vector<CryptStatsReport> reports;
    f.relay->collect_stats(reports);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].session == 1);
    CHECK(reports[0].stats.good == 1);
    reports.clear();
    f.relay->collect_stats(reports);
    CHECK(reports.empty());
  }

  TEST_CASE("a removed session's endpoint is forgotten") {
    Relay f;
    Client& alice = f.add(1);
    f.ping(alice);
    f.relay->remove_session(1);
    f.from(alice, bytes({0x20, 0x01}));
    CHECK(f.sent.empty());
    CHECK(f.counters.dropped(DropReason::UnknownEndpoint) == 1);
    CHECK(f.relay->session_count() == 0);
  }
}


namespace {

// The engine's view of channel 0 in a test: `topk` and `mix` listeners, mix user 100.
void make_engine_channel(Relay& f, std::vector<SessionId> all, std::vector<SessionId> topk,
                         std::vector<SessionId> mix) {
  f.snapshot->listeners[0] = std::move(all);
  f.snapshot->engine[0] = EngineRoute{100, std::move(topk), std::move(mix)};
  f.relay->set_snapshot(f.snapshot);
}

std::shared_ptr<const audio::SelectionSnapshot> selection(std::vector<SessionId> selected,
                                                          std::vector<SessionId> blocked = {}) {
  auto out = std::make_shared<audio::SelectionSnapshot>();
  out->channels.push_back({0, std::move(selected), std::move(blocked), false});
  return out;
}

std::vector<audio::SpeakerFrame> drain(EngineRing& ring) {
  std::vector<audio::SpeakerFrame> out;
  while (const audio::SpeakerFrame* frame = ring.front()) {
    out.push_back(*frame);
    ring.pop();
  }
  return out;
}

audio::ChannelTick tick_of(std::initializer_list<std::pair<SessionId, Bytes>> frames) {
  audio::ChannelTick tick;
  tick.channel = 0;
  tick.frame_number = 50;
  for (const auto& [excluded, opus] : frames) {
    audio::MixedFrame& frame = tick.frames[tick.frame_count++];
    frame.excluded = excluded;
    std::copy(opus.begin(), opus.end(), frame.opus.begin());
    frame.size = static_cast<std::uint16_t>(opus.size());
  }
  return tick;
}

}  // namespace

TEST_SUITE("voice.relay.engine") {
  TEST_CASE("an engine channel's talk goes to the engine once, to all-mode listeners as before, to "
            "topk listeners only while selected, and never to mix listeners") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);    // all
    Client& carol = f.add(3);  // topk
    Client& dave = f.add(4);   // mix
    for (Client* c : {&alice, &bob, &carol, &dave}) f.ping(*c);
    make_engine_channel(f, {1, 2}, {3}, {4});

    f.from(alice, kVoice);
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.take_udp(carol).empty());  // nobody selected yet
    CHECK(f.take_udp(dave).empty());
    const auto frames = drain(f.engine);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].speaker == 1);
    CHECK(frames[0].channel == 0);
    CHECK(frames[0].frame_number == 0);
    CHECK(Bytes(frames[0].bytes().begin(), frames[0].bytes().end()) == bytes({0xf8, 0xff, 0xfe}));
    CHECK(f.counters.engine_in == 1);

    f.relay->set_selection(selection({1}));
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.take_udp(carol) == std::vector<Bytes>{heard_from(1)});
    CHECK(f.take_udp(dave).empty());
    CHECK(drain(f.engine).size() == 1);
  }

  TEST_CASE("a full engine ring drops the frame, counted, and forwarding goes on") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    make_engine_channel(f, {1, 2}, {}, {});
    for (int i = 0; i < 10; ++i) f.from(alice, kVoice);
    CHECK(f.counters.engine_in == 8);
    CHECK(f.counters.dropped(DropReason::EngineFull) == 2);
    CHECK(f.take_udp(bob).size() == 10);
  }

  TEST_CASE("whispers and the talk of other channels never reach the engine") {
    Relay f;
    Client& alice = f.add(1);
    f.ping(alice);
    f.snapshot->engine[5] = EngineRoute{100, {}, {}};
    f.relay->set_snapshot(f.snapshot);
    f.from(alice, kVoice);  // channel 0 is not an engine channel
    CHECK(drain(f.engine).empty());
  }

  TEST_CASE("an open microphone stopped by the engine reaches nobody, but the engine still hears it") {
    Relay f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(alice);
    f.ping(bob);
    make_engine_channel(f, {1, 2}, {}, {});
    f.relay->set_selection(selection({}, {1}));
    f.from(alice, kVoice);
    CHECK(f.take_udp(bob).empty());
    CHECK(f.counters.dropped(DropReason::OpenMicrophone) == 1);
    CHECK(drain(f.engine).size() == 1);
  }

  TEST_CASE("a mix tick reaches every mix listener from the mix user, a selected one its N-1 frame, "
            "a listener without UDP through the tunnel") {
    Relay f;
    Client& alice = f.add(1);                       // selected, listens in mix
    Client& bob = f.add(2, UdpFormat::Protobuf);    // listens in mix
    f.add(3);                                       // mix, never sent UDP
    Client& dave = f.add(4);                        // all: gets no mix
    for (Client* c : {&alice, &bob, &dave}) f.ping(*c);
    make_engine_channel(f, {4}, {}, {1, 2, 3});

    const Bytes shared = bytes({0x11, 0x22, 0x33});
    const Bytes minus_alice = bytes({0x44, 0x55});
    f.relay->on_mix(tick_of({{0, shared}, {1, minus_alice}}));
    f.outbox.flush_udp();
    f.link.deliver_tunnel(f.outbox.take_tunnel());

    const auto decoded = [](const Bytes& plain, UdpFormat format) {
      auto packet = format == UdpFormat::Legacy
                        ? protocol::decode_legacy_voice(plain, protocol::Direction::ToClient)
                        : protocol::decode_protobuf_voice(plain, protocol::Direction::ToClient);
      REQUIRE(packet.has_value());
      CHECK(packet->sender_session == 100);
      CHECK(packet->frame_number == 50);
      return Bytes(packet->opus.begin(), packet->opus.end());
    };
    const auto to_alice = f.take_udp(alice);
    REQUIRE(to_alice.size() == 1);
    CHECK(decoded(to_alice[0], UdpFormat::Legacy) == minus_alice);
    const auto to_bob = f.take_udp(bob);
    REQUIRE(to_bob.size() == 1);
    CHECK(decoded(to_bob[0], UdpFormat::Protobuf) == shared);
    const auto to_carol = f.take_tunnel(3);
    REQUIRE(to_carol.size() == 1);
    CHECK(f.take_udp(dave).empty());
    CHECK(f.counters.mix_out == 3);
  }
}

}  // namespace plenum::server::voice
