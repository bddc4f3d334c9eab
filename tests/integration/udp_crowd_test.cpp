// Many people behind one address (a school, a union office, a carrier-grade NAT): a thousand
// clients from 127.0.0.1 log in first and then all send their first UDP ping at once, and every
// one of them must get UDP working, as with Murmur, which tries every session of the address.
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

// Each client holds a TCP and a UDP socket, and the server one TCP socket per client.
void allow_descriptors(rlim_t wanted) {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE_MESSAGE(limit.rlim_cur >= wanted, "the descriptor limit allows only " << limit.rlim_cur);
}

}  // namespace

TEST_SUITE("udp_crowd") {
  TEST_CASE("a thousand clients behind one address all get UDP, pinging at once after logging in") {
    constexpr std::size_t kClients = 1000;
    allow_descriptors(3 * kClients + 200);
    PlenumOptions options = integration_options();
    // Joining a thousand takes longer than Mumble's 30 s idle timeout, and these clients send
    // no TCP pings while the others join.
    options.settings.extra_ini.emplace_back("timeout", "600");
    auto server = start_plenum(options);  // inherits the raised limit
    std::vector<std::unique_ptr<MumbleTestClient>> clients;
    clients.reserve(kClients);
    for (std::size_t i = 0; i < kClients; ++i) {
      ClientOptions client_options;
      client_options.port = server->port();
      auto client = std::make_unique<MumbleTestClient>(client_options);
      client->connect(deadline_in(kStep));
      HandshakeRequest request;
      request.username = "crowd" + std::to_string(i);
      request.udp_ping = false;  // nothing from UDP until everyone is in
      request.wait_for_server_config = false;
      const auto handshake = client->handshake(request, deadline_in(kStep));
      REQUIRE_MESSAGE(handshake.synced(), i << ": " << handshake.describe());
      clients.push_back(std::move(client));
    }
    // Everyone's first ping in one burst; a real client pings again every few seconds until it
    // hears back, so up to three rounds are allowed.
    std::vector<bool> echoed(kClients, false);
    std::size_t rounds = 0;
    std::size_t answered = 0;
    for (; rounds < 3 && answered < kClients; ++rounds) {
      for (std::size_t i = 0; i < kClients; ++i) {
        if (!echoed[i]) clients[i]->send_udp_ping(1000 * rounds + i);
      }
      const auto deadline = deadline_in(2s);
      for (std::size_t i = 0; i < kClients; ++i) {
        if (echoed[i]) continue;
        echoed[i] = clients[i]->receive_udp_ping(deadline).has_value();
        if (echoed[i]) ++answered;
      }
    }
    INFO(answered << " of " << kClients << " have UDP after " << rounds << " rounds");
    CHECK(answered == kClients);
    // The likely senders by IV go first: nearly all bind on their first datagram.
    CHECK(rounds == 1);
  }
}

}  // namespace plenum::test
