// The voice plane on a real socket and thread: batches in and out, and replies from the address
// a client talked to when bound to every address.
#include "server/voice/voice_plane.hpp"

#include "protocol/udp_ping.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <semaphore>
#include <thread>
#include <vector>

namespace plenum::server::voice {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asio::ip::make_address;
using asio::ip::udp;
using protocol::Bytes;
using protocol::ByteView;

class NoLink final : public ControlLink {
 public:
  void deliver_tunnel(std::vector<TunnelFrame>) override {}
  void report_crypt_stats(std::vector<CryptStatsReport>) override {}
  void request_resync(SessionId) override {}
  void send_server_nonce(SessionId, const protocol::CryptStateOCB2::Nonce&) override {}
};

// Holds the voice thread inside send_server_nonce (a request_encrypt_iv command) until the test
// lets it go, so that the test can arrange what waits in the plane's queues meanwhile.
class GateLink final : public ControlLink {
 public:
  void deliver_tunnel(std::vector<TunnelFrame>) override {}
  void report_crypt_stats(std::vector<CryptStatsReport>) override {}
  void request_resync(SessionId) override {}
  void send_server_nonce(SessionId, const protocol::CryptStateOCB2::Nonce&) override {
    entered.release();
    (void)proceed.try_acquire_for(5s);
  }

  std::binary_semaphore entered{0};
  std::binary_semaphore proceed{0};
};

const Bytes kQuery{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{2},
                   std::byte{3}, std::byte{4}, std::byte{5}, std::byte{6}, std::byte{7}, std::byte{8}};

// Sends `request` from a socket *connected* to `server` (so only replies from exactly that
// address and port are accepted), resending every 100 ms for up to 3 s.
std::optional<Bytes> exchange(const udp::endpoint& server, const Bytes& request) {
  asio::io_context io{1};
  udp::socket socket{io, server.protocol()};
  socket.connect(server);
  std::array<std::byte, 2048> buffer{};
  std::optional<Bytes> reply;
  socket.async_receive(asio::buffer(buffer), [&](boost::system::error_code error, std::size_t size) {
    if (!error) reply = Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size));
  });
  for (int attempt = 0; attempt < 30 && !reply; ++attempt) {
    socket.send(asio::buffer(request));
    io.run_for(100ms);
  }
  return reply;
}

log::Logger& quiet_logger() {
  static log::Logger logger{log::Level::Error, false, false};
  return logger;
}

VoiceSettings settings() {
  VoiceSettings s;
  s.version = {1, 5, 0};
  s.max_users = 77;
  return s;
}

}  // namespace

TEST_SUITE("voice.plane") {
  TEST_CASE("the plane answers a server-query ping on its socket and counts it") {
    NoLink link;
    VoicePlane plane{settings(), quiet_logger(), link};
    const udp::endpoint bound = plane.bind(udp::endpoint(make_address("127.0.0.1"), 0));
    plane.start();
    const auto reply = exchange(bound, kQuery);
    REQUIRE(reply.has_value());
    const auto parsed = protocol::parse_query_reply(*reply);
    REQUIRE(parsed.has_value());
    CHECK(parsed->status.max_user_count == 77);
    CHECK(parsed->status.user_count == 0);
    plane.stop();
    plane.join();
    CHECK(plane.final_counters().queries_answered >= 1);
  }

  TEST_CASE("bound to every address, the plane replies from the address the client used") {
    NoLink link;
    VoicePlane plane{settings(), quiet_logger(), link};
    udp::endpoint bound;
    try {
      bound = plane.bind(udp::endpoint(asio::ip::address_v6::any(), 0));
    } catch (const boost::system::system_error&) {
      bound = plane.bind(udp::endpoint(asio::ip::address_v4::any(), 0));
    }
    plane.start();
    // 127.0.0.2 is as local as 127.0.0.1, but a reply from the default source (127.0.0.1)
    // would not pass the client's connected socket.
    CHECK(exchange(udp::endpoint(make_address("127.0.0.2"), bound.port()), kQuery).has_value());
    CHECK(exchange(udp::endpoint(make_address("127.0.0.1"), bound.port()), kQuery).has_value());
    if (bound.address().is_v6()) {
      CHECK(exchange(udp::endpoint(make_address("::1"), bound.port()), kQuery).has_value());
    }
  }

  TEST_CASE("a command issued before a datagram was sent applies before that datagram") {
    GateLink link;
    VoicePlane plane{settings(), quiet_logger(), link};
    const udp::endpoint bound = plane.bind(udp::endpoint(make_address("127.0.0.1"), 0));
    const auto loopback = ip_key(make_address("127.0.0.1"));
    const auto first = protocol::CryptStateOCB2::generate();
    plane.add_session({1, first.key(), first.encrypt_iv(), first.decrypt_iv(),
                       protocol::UdpFormat::Legacy, loopback});
    plane.start();
    asio::io_context io{1};
    udp::socket lister{io, udp::v4()};
    lister.connect(bound);
    udp::socket newcomer{io, udp::v4()};
    newcomer.connect(bound);

    // The voice thread stops inside a command while a datagram from someone else waits, and
    // again inside a second command, after the socket has been seen readable.
    plane.request_encrypt_iv(1);
    REQUIRE(link.entered.try_acquire_for(5s));
    lister.send(asio::buffer(kQuery));
    plane.request_encrypt_iv(1);
    link.proceed.release();
    REQUIRE(link.entered.try_acquire_for(5s));
    // Now a session joins, and its first ping comes right after: the read that is already
    // due must not take the ping before the session exists.
    const auto second = protocol::CryptStateOCB2::generate();
    plane.add_session({2, second.key(), second.encrypt_iv(), second.decrypt_iv(),
                       protocol::UdpFormat::Legacy, loopback});
    protocol::CryptStateOCB2 client;
    REQUIRE(client.set_key(second.key(), second.decrypt_iv(), second.encrypt_iv()));
    const Bytes ping{std::byte{0x20}, std::byte{0x05}};
    Bytes datagram(ping.size() + protocol::CryptStateOCB2::kHeaderSize);
    REQUIRE(client.encrypt(ping, datagram).has_value());
    newcomer.send(asio::buffer(datagram));
    link.proceed.release();

    std::array<std::byte, 2048> buffer{};
    std::optional<std::size_t> echo;
    newcomer.async_receive(asio::buffer(buffer),
                           [&](boost::system::error_code error, std::size_t size) {
                             if (!error) echo = size;
                           });
    io.run_for(3s);
    CHECK_MESSAGE(echo.has_value(), "the newcomer's first ping was not answered");
    plane.stop();
    plane.join();
    CHECK(plane.final_counters().dropped(DropReason::UnknownEndpoint) == 0);
  }

  TEST_CASE("with two voice threads, clients hashed to either socket of the port hear each other") {
    NoLink link;
    VoicePlane plane{settings(), quiet_logger(), link, 2};
    REQUIRE(plane.threads() == 2);
    const udp::endpoint bound = plane.bind(udp::endpoint(make_address("127.0.0.1"), 0));
    const auto loopback = ip_key(make_address("127.0.0.1"));
    // 16 clients: all on one socket has a chance of 2^-15.
    constexpr SessionId kClients = 16;
    asio::io_context io{1};
    std::vector<std::unique_ptr<udp::socket>> sockets;
    std::vector<protocol::CryptStateOCB2> crypts(kClients);
    auto snapshot = std::make_shared<RoutingSnapshot>();
    for (SessionId id = 1; id <= kClients; ++id) {
      const auto server = protocol::CryptStateOCB2::generate();
      plane.add_session({id, server.key(), server.encrypt_iv(), server.decrypt_iv(),
                         protocol::UdpFormat::Legacy, loopback});
      REQUIRE(crypts[id - 1].set_key(server.key(), server.decrypt_iv(), server.encrypt_iv()));
      sockets.push_back(std::make_unique<udp::socket>(io, udp::v4()));
      sockets.back()->connect(bound);
      snapshot->speakers[id] = SpeakerRoutes{0, false, {0}, {}};
      snapshot->listeners[0].push_back(id);
    }
    plane.publish(snapshot);
    plane.start();
    const auto send = [&](SessionId id, const Bytes& plain) {
      Bytes datagram(plain.size() + protocol::CryptStateOCB2::kHeaderSize);
      REQUIRE(crypts[id - 1].encrypt(plain, datagram).has_value());
      sockets[id - 1]->send(asio::buffer(datagram));
    };
    // Reads what reaches `id` within `within`, decrypted with its own crypto (in sequence).
    const auto receive = [&](SessionId id, std::chrono::milliseconds within) {
      std::vector<Bytes> got;
      std::array<std::byte, 2048> buffer{};
      const auto deadline = std::chrono::steady_clock::now() + within;
      while (std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code error;
        sockets[id - 1]->non_blocking(true);
        const std::size_t size = sockets[id - 1]->receive(asio::buffer(buffer), 0, error);
        if (error) {
          std::this_thread::sleep_for(5ms);
          continue;
        }
        Bytes plain(size - protocol::CryptStateOCB2::kHeaderSize);
        const auto decrypted = crypts[id - 1].decrypt(ByteView(buffer.data(), size), plain,
                                                      std::chrono::steady_clock::now());
        REQUIRE_MESSAGE(decrypted.has_value(), "client " << id << ": undecryptable datagram");
        plain.resize(*decrypted);
        got.push_back(std::move(plain));
        break;
      }
      return got;
    };
    for (SessionId id = 1; id <= kClients; ++id) {
      send(id, Bytes{std::byte{0x20}, std::byte{0x01}});
      REQUIRE_MESSAGE(receive(id, 3000ms).size() == 1, "no ping echo for " << id);
    }
    for (SessionId speaker = 1; speaker <= kClients; speaker += 5) {
      const auto frame = static_cast<std::byte>(speaker);
      send(speaker, Bytes{std::byte{0x80}, frame, std::byte{0x02}, std::byte{0xf8}, std::byte{0x01}});
      for (SessionId id = 1; id <= kClients; ++id) {
        if (id == speaker) continue;
        const auto heard = receive(id, 3000ms);
        REQUIRE_MESSAGE(heard.size() == 1, "client " << id << " did not hear " << speaker);
        CHECK(heard[0] == Bytes{std::byte{0x80}, static_cast<std::byte>(speaker), frame, std::byte{0x02},
                                std::byte{0xf8}, std::byte{0x01}});
      }
    }
    plane.stop();
    plane.join();
    const VoiceCounters counters = plane.final_counters();
    CHECK(counters.shard_out > 0);
    CHECK(counters.total_drops() == 0);
  }
}

}  // namespace plenum::server::voice
