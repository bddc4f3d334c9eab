// Two voice shards without sockets or threads: two VoiceRelays joined by a real ShardMesh, each
// with its own copy of every session, datagrams handed to whichever shard the test picks (as the
// kernel's SO_REUSEPORT hash would), mesh messages drained by hand.
#include "server/voice/voice_relay.hpp"

#include "unit/server/voice/recording_link.hpp"

#include "protocol/control_message.hpp"
#include "protocol/voice_packet.hpp"

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
using Clock = VoiceRelay::Clock;

using testing::bytes;
using FakeLink = testing::RecordingLink;

struct Client {
  SessionId session = 0;
  protocol::UdpFormat format = protocol::UdpFormat::Legacy;
  udp::endpoint endpoint;
  CryptStateOCB2 crypt;
};

struct Sent {
  std::size_t shard = 0;
  udp::endpoint to;
  Bytes datagram;
};

// One shard: its relay with its own outbox and counters.
struct Shard {
  VoiceCounters counters;
  Outbox outbox;
  std::unique_ptr<VoiceRelay> relay;

  Shard(std::size_t index, ShardMesh& mesh, FakeLink& link, std::vector<Sent>& sent,
        const VoiceSettings& settings, Clock::time_point now)
      : outbox{4,
               [index, &sent](std::span<const OutgoingDatagram> datagrams) {
                 for (const auto& d : datagrams)
                   sent.push_back({index, d.to, Bytes(d.view().begin(), d.view().end())});
                 return datagrams.size();
               },
               counters},
        relay{std::make_unique<VoiceRelay>(settings, outbox, link, counters, now, &mesh, index)} {}
};

struct TwoShards {
  Clock::time_point now = Clock::time_point{} + 1h;
  ShardMesh mesh;
  FakeLink link;
  std::vector<Sent> sent;
  std::array<std::unique_ptr<Shard>, 2> shards;
  std::shared_ptr<RoutingSnapshot> snapshot = std::make_shared<RoutingSnapshot>();
  std::map<SessionId, Client> clients;

  explicit TwoShards(std::size_t ring_capacity = ShardMesh::kRingCapacity, VoiceSettings settings = {})
      : mesh{2, ring_capacity} {
    for (std::size_t i = 0; i < 2; ++i) shards[i] = std::make_unique<Shard>(i, mesh, link, sent, settings, now);
  }

  VoiceRelay& relay(std::size_t shard) { return *shards[shard]->relay; }
  const VoiceCounters& counters(std::size_t shard) { return shards[shard]->counters; }

  // A session in the root channel, added to both shards as VoicePlane does (one HomeSlot).
  Client& add(SessionId session, protocol::UdpFormat format = protocol::UdpFormat::Legacy) {
    auto server = CryptStateOCB2::generate();
    AddVoiceSession add{session, server.key(), server.encrypt_iv(), server.decrypt_iv(), format,
                        ip_key(make_address("127.0.0.1"))};
    auto home = std::make_shared<HomeSlot>();
    for (auto& shard : shards) shard->relay->add_session(add, home, now);
    Client& client = clients[session];
    client.session = session;
    client.format = format;
    client.endpoint = udp::endpoint(make_address("127.0.0.1"), static_cast<std::uint16_t>(40000 + session));
    REQUIRE(client.crypt.set_key(server.key(), server.decrypt_iv(), server.encrypt_iv()));
    snapshot->speakers[session] = SpeakerRoutes{0, false, {0}, {}};
    snapshot->listeners[0].push_back(session);
    ++snapshot->user_count;
    for (auto& shard : shards) shard->relay->set_snapshot(snapshot);
    return client;
  }

  void flush(std::size_t shard) {
    shards[shard]->outbox.flush_udp();
    link.deliver_tunnel(shards[shard]->outbox.take_tunnel());
  }

  // `client` sends `plaintext` from `from` and the socket of shard `shard` receives it.
  void send(std::size_t shard, Client& client, ByteView plaintext, const udp::endpoint& from) {
    Bytes datagram(plaintext.size() + CryptStateOCB2::kHeaderSize);
    REQUIRE(client.crypt.encrypt(plaintext, datagram).has_value());
    now += 20ms;
    relay(shard).on_datagram(Datagram{datagram, from, {}, false, {}}, now);
    flush(shard);
  }
  void send(std::size_t shard, Client& client, ByteView plaintext) {
    send(shard, client, plaintext, client.endpoint);
  }

  void raw(std::size_t shard, const udp::endpoint& from, ByteView datagram) {
    now += 20ms;
    relay(shard).on_datagram(Datagram{datagram, from, {}, false, {}}, now);
    flush(shard);
  }

  // What the other shards passed to `shard`, handled there.
  std::size_t drain(std::size_t shard) {
    const auto handle = [&](const ShardMessage& message) {
      relay(shard).on_shard_message(message, now);
    };
    const std::size_t handled = mesh.drain(shard, handle);
    flush(shard);
    return handled;
  }

  int home(SessionId session) { return relay(0).session(session)->home->shard.load(); }

  // Datagrams sent to `client`, decrypted in order with its own crypto (a gap, a repeat or a
  // wrong key in the server's IV sequence fails here), with the shard that sent each.
  std::vector<std::pair<std::size_t, Bytes>> take_udp(Client& client) {
    std::vector<std::pair<std::size_t, Bytes>> out;
    std::erase_if(sent, [&](const Sent& s) {
      if (s.to != client.endpoint) return false;
      Bytes plain(s.datagram.size() - CryptStateOCB2::kHeaderSize);
      auto size = client.crypt.decrypt(s.datagram, plain, now);
      REQUIRE_MESSAGE(size.has_value(), "undecryptable datagram for " << client.session);
      plain.resize(*size);
      out.emplace_back(s.shard, std::move(plain));
      return true;
    });
    return out;
  }

  void ping(std::size_t shard, Client& client) {
    // Legacy: type 1 << 5, then a varint timestamp; protobuf: type 1, then Ping{timestamp = 1}.
    send(shard, client,
         client.format == protocol::UdpFormat::Legacy ? bytes({0x20, 0x01}) : bytes({0x01, 0x08, 0x01}));
    const auto replies = take_udp(client);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].first == shard);
  }
};

const Bytes kPing = bytes({0x20, 0x01});
Bytes voice(unsigned frame) { return bytes({0x80, frame, 0x03, 0xf8, 0xff, 0xfe}); }
Bytes heard(SessionId speaker, unsigned frame) {
  return bytes({0x80, static_cast<unsigned>(speaker), frame, 0x03, 0xf8, 0xff, 0xfe});
}

}  // namespace

TEST_SUITE("voice.shards") {
  TEST_CASE("a session is homed on the shard whose socket first decrypts its datagram") {
    TwoShards f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    CHECK(f.home(1) == HomeSlot::kUnclaimed);
    f.ping(0, alice);
    f.ping(1, bob);
    CHECK(f.home(1) == 0);
    CHECK(f.home(2) == 1);
    CHECK(f.counters(0).endpoints_learned == 1);
    CHECK(f.counters(1).endpoints_learned == 1);
  }

  TEST_CASE("a speaker homed on shard 0 reaches listeners homed on shard 1, encrypted there in sequence") {
    TwoShards f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    Client& carol = f.add(3);
    Client& dave = f.add(4);
    f.ping(0, alice);
    f.ping(1, bob);
    f.ping(1, carol);
    f.ping(0, dave);
    for (unsigned frame = 0; frame < 5; ++frame) {
      f.send(0, alice, voice(frame));
      CHECK(f.drain(1) == 1);  // one message: one encoding for both of shard 1's listeners
      for (Client* listener : {&bob, &carol, &dave}) {
        const auto got = f.take_udp(*listener);
        REQUIRE(got.size() == 1);
        CHECK(got[0].first == static_cast<std::size_t>(f.home(listener->session)));
        CHECK(got[0].second == heard(1, frame));
      }
    }
    // Each listener's IV sequence had no gap and no repeat: the pings' replies and the voice
    // came from one copy of its crypt state.
    for (Client* listener : {&bob, &carol, &dave}) {
      CHECK(listener->crypt.local_stats().lost == 0);
      CHECK(listener->crypt.local_stats().late == 0);
      CHECK(listener->crypt.local_stats().good == 6);
    }
    CHECK(f.counters(0).encodings == 5);
    CHECK(f.counters(1).encodings == 0);
    CHECK(f.counters(0).shard_out == 5);
    CHECK(f.take_udp(alice).empty());
  }

  TEST_CASE("listeners on another shard get their own volumes, also past the kept volume encodings") {
    TwoShards f;
    Client& alice = f.add(1);
    f.ping(0, alice);
    // Six distinct factors (two more than the relay keeps encoded) and a repeat, all homed on
    // shard 1, listening to alice's channel from channel 5.
    const std::vector<float> volumes{0.25F, 0.5F, 0.75F, 1.5F, 2.0F, 3.0F, 0.5F};
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      const auto session = static_cast<SessionId>(10 + i);
      f.add(session, protocol::UdpFormat::Protobuf);
      f.snapshot->speakers[session].channel = 5;
      std::erase(f.snapshot->listeners[0], session);
      f.snapshot->channel_listeners[0].push_back({session, 5, volumes[i]});
      f.ping(1, f.clients[session]);
    }
    for (unsigned frame = 0; frame < 2; ++frame) {
      f.send(0, alice, voice(frame));
      f.drain(1);
      for (std::size_t i = 0; i < volumes.size(); ++i) {
        const auto got = f.take_udp(f.clients[static_cast<SessionId>(10 + i)]);
        REQUIRE(got.size() == 1);
        CHECK(got[0].first == 1);
        const auto decoded = protocol::decode_protobuf_voice(got[0].second, protocol::Direction::ToClient);
        REQUIRE(decoded.has_value());
        CHECK(decoded->target_or_context == 3);
        CHECK(decoded->volume_adjustment == volumes[i]);
      }
    }
  }

  TEST_CASE("a listener that never sent UDP gets the tunnel from the speaker's shard") {
    TwoShards f;
    Client& alice = f.add(1);
    f.add(2);
    f.ping(1, alice);
    f.send(1, alice, voice(0));
    CHECK(f.drain(0) == 0);
    REQUIRE(f.link.tunnel.size() == 1);
    CHECK(f.link.tunnel[0].session == 2);
    CHECK(f.link.tunnel[0].frame == protocol::encode_tunnel_frame(heard(1, 0)));
  }

  TEST_CASE("a full ring drops the fan-out message and counts it") {
    TwoShards f{1};
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(0, alice);
    f.ping(1, bob);
    f.send(0, alice, voice(0));
    f.send(0, alice, voice(1));  // the ring still holds frame 0
    CHECK(f.counters(0).dropped(DropReason::RingFull) == 1);
    CHECK(f.drain(1) == 1);
    const auto got = f.take_udp(bob);
    REQUIRE(got.size() == 1);
    CHECK(got[0].second == heard(1, 0));
    f.send(0, alice, voice(2));
    CHECK(f.drain(1) == 1);
    const auto later = f.take_udp(bob);
    REQUIRE(later.size() == 1);
    CHECK(later[0].second == heard(1, 2));
  }

  TEST_CASE("datagrams from a new address that reach another shard go to the home shard") {
    TwoShards f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(0, alice);
    f.ping(0, bob);
    // Alice's NAT moves her to a port that the kernel hashes to shard 1.
    const udp::endpoint moved(make_address("127.0.0.1"), 50001);
    f.send(1, alice, voice(0), moved);
    CHECK(f.counters(1).trial_decrypts == 0);  // shard 1's copy of alice is not hers to use
    CHECK(f.drain(0) == 1);
    CHECK(f.counters(0).endpoints_learned == 3);  // alice, bob, alice again
    CHECK(f.take_udp(bob).size() == 1);
    CHECK(f.drain(1) == 1);  // shard 0 told shard 1 where alice is now
    // The next datagram from there goes to shard 0 without a trial anywhere.
    const std::uint64_t trials = f.counters(0).trial_decrypts;
    f.send(1, alice, voice(1), moved);
    CHECK(f.drain(0) == 1);
    CHECK(f.counters(0).trial_decrypts == trials);
    CHECK(f.counters(1).trial_decrypts == 0);
    CHECK(f.take_udp(bob).size() == 1);
    CHECK(f.counters(0).total_drops() + f.counters(1).total_drops() == 0);
    // Replies go to her new address, from her home.
    alice.endpoint = moved;
    f.send(1, alice, kPing, moved);
    CHECK(f.drain(0) == 1);
    const auto reply = f.take_udp(alice);
    REQUIRE(reply.size() == 1);
    CHECK(reply[0].first == 0);
  }

  TEST_CASE("unknown datagrams passed to another shard are charged to the trial budget") {
    VoiceSettings settings;
    settings.learner.trials_per_second = 3;
    TwoShards f{ShardMesh::kRingCapacity, settings};
    Client& alice = f.add(1);
    f.ping(0, alice);
    // Garbage from alice's IP reaches shard 1, where her copy is not hers to try.
    const udp::endpoint flood(make_address("127.0.0.1"), 60000);
    const Bytes garbage(20, std::byte{0x5a});
    for (int i = 0; i < 5; ++i) f.raw(1, flood, garbage);
    CHECK(f.counters(1).shard_out == 3);
    CHECK(f.counters(1).dropped(DropReason::TrialBudget) == 2);
    CHECK(f.drain(0) == 3);
    CHECK(f.counters(0).total_drops() == 3);  // its home tried (or ran out of budget) and dropped them
  }

  TEST_CASE("tunnel voice homes a session on the shard that gets it, its IV request goes there") {
    TwoShards f;
    Client& alice = f.add(1);
    Client& bob = f.add(2);
    f.ping(0, bob);
    f.relay(1).on_tunnel(1, voice(0), f.now);
    f.flush(1);
    CHECK(f.home(1) == 1);
    CHECK(f.drain(0) == 1);
    CHECK(f.take_udp(bob).size() == 1);
    // Her UDP now arrives at shard 0: passed to her home, which learns it.
    f.send(0, alice, kPing);
    CHECK(f.drain(1) == 1);
    CHECK(f.take_udp(alice).size() == 1);
    // An IV request at shard 0 is answered by shard 1, with the IV after that ping reply.
    f.relay(0).send_encrypt_iv(1);
    CHECK(f.link.nonces.empty());
    CHECK(f.drain(1) >= 1);
    REQUIRE(f.link.nonces.size() == 1);
    CHECK(f.link.nonces[0].second == f.relay(1).session(1)->crypt.encrypt_iv());
    CHECK(f.link.nonces[0].second != f.relay(0).session(1)->crypt.encrypt_iv());
  }
}

}  // namespace plenum::server::voice
