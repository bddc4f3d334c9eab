// The voice plane on a real socket and thread: batches in and out, and replies from the address
// a client talked to when bound to every address.
#include "server/voice/voice_plane.hpp"

#include "protocol/udp_ping.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/address.hpp>

#include <optional>

namespace plenum::server::voice {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asio::ip::make_address;
using asio::ip::udp;
using protocol::Bytes;

class NoLink final : public ControlLink {
 public:
  void deliver_tunnel(std::vector<TunnelFrame>) override {}
  void report_crypt_stats(std::vector<CryptStatsReport>) override {}
  void request_resync(SessionId) override {}
  void send_server_nonce(SessionId, const protocol::CryptStateOCB2::Nonce&) override {}
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
}

}  // namespace plenum::server::voice
