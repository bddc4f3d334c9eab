// The voice plane's per-packet cost: one speaker's datagram decrypted, routed to N listeners in
// its channel, encoded once per format and encrypted once per listener into the Outbox (whose
// sink discards). Items are deliveries, so items/s is the forwarding capacity of one voice
// thread, minus the system calls.
#include "server/voice/voice_relay.hpp"

#include <benchmark/benchmark.h>

#include <boost/asio/ip/address.hpp>

#include <memory>
#include <vector>

namespace {

using namespace plenum::server::voice;
using plenum::protocol::Bytes;
using plenum::protocol::CryptStateOCB2;
using plenum::protocol::UdpFormat;

class NullLink final : public ControlLink {
 public:
  void deliver_tunnel(std::vector<TunnelFrame>) override {}
  void report_crypt_stats(std::vector<CryptStatsReport>) override {}
  void request_resync(SessionId) override {}
  void send_server_nonce(SessionId, const CryptStateOCB2::Nonce&) override {}
};

struct Room {
  VoiceRelay::Clock::time_point now = VoiceRelay::Clock::now();
  NullLink link;
  VoiceCounters counters;
  Outbox outbox{64, [](std::span<const OutgoingDatagram> datagrams) { return datagrams.size(); },
                counters};
  VoiceRelay relay{VoiceSettings{}, outbox, link, counters, now};
  std::shared_ptr<RoutingSnapshot> snapshot = std::make_shared<RoutingSnapshot>();
  std::vector<CryptStateOCB2> clients;  // index = session - 1
  std::vector<boost::asio::ip::udp::endpoint> endpoints;

  Room(std::size_t listeners, bool mixed_formats) {
    const auto ip = boost::asio::ip::make_address("10.0.0.1");
    for (SessionId session = 1; session <= listeners + 1; ++session) {
      auto server = CryptStateOCB2::generate();
      const UdpFormat format =
          mixed_formats && session % 2 == 0 ? UdpFormat::Protobuf : UdpFormat::Legacy;
      relay.add_session(
          {session, server.key(), server.encrypt_iv(), server.decrypt_iv(), format, ip_key(ip)},
          now);
      CryptStateOCB2 client;
      client.set_key(server.key(), server.decrypt_iv(), server.encrypt_iv());
      clients.push_back(std::move(client));
      endpoints.emplace_back(ip, static_cast<std::uint16_t>(10000 + session));
      snapshot->speakers[session] = SpeakerRoutes{0, false, {0}, {}};
      snapshot->listeners[0].push_back(session);
      // Each client pings right after its login, as Mumble clients do, so that the relay
      // learns its address (all share one IP here, as behind a NAT).
      send(session, format == UdpFormat::Legacy
                        ? Bytes{std::byte{0x20}, std::byte{0x01}}
                        : Bytes{std::byte{0x01}, std::byte{0x08}, std::byte{0x01}});
    }
    relay.set_snapshot(snapshot);
  }

  void send(SessionId session, const Bytes& plaintext) {
    Bytes datagram(plaintext.size() + 4);
    clients[session - 1].encrypt(plaintext, datagram).value();
    relay.on_datagram(Datagram{datagram, endpoints[session - 1], {}, false}, now);
    outbox.flush_udp();
  }
};

void fan_out(benchmark::State& state, bool mixed) {
  const auto listeners = static_cast<std::size_t>(state.range(0));
  Room room{listeners, mixed};
  // A 20 ms, ~40 kbit/s Opus frame: about 100 bytes.
  Bytes voice{std::byte{0x80}, std::byte{0x00}, std::byte{0x64}};
  voice.resize(3 + 100, std::byte{0x5a});
  for (auto _ : state) {
    room.now += std::chrono::milliseconds(20);
    room.send(1, voice);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["drops"] = static_cast<double>(room.counters.total_drops());
}

void BM_FanOutLegacy(benchmark::State& state) {
  fan_out(state, false);
}
void BM_FanOutMixedFormats(benchmark::State& state) {
  fan_out(state, true);
}

BENCHMARK(BM_FanOutLegacy)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_FanOutMixedFormats)->Arg(100)->Arg(1000);

}  // namespace
