#include "server/voice/endpoint_index.hpp"
#include "server/voice/endpoint_learner.hpp"

#include <doctest/doctest.h>

#include <set>

namespace plenum::server::voice {

namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using boost::asio::ip::udp;
using Clock = EndpointLearner::Clock;

}  // namespace

TEST_SUITE("voice.endpoints") {
  TEST_CASE("IPv4 and its v4-mapped IPv6 form are the same key") {
    CHECK(ip_key(make_address("192.0.2.7")) == ip_key(make_address("::ffff:192.0.2.7")));
    CHECK(ip_key(make_address("192.0.2.7")) != ip_key(make_address("192.0.2.8")));
    const EndpointKey a = endpoint_key(udp::endpoint(make_address("192.0.2.7"), 5000));
    const EndpointKey b = endpoint_key(udp::endpoint(make_address("::ffff:192.0.2.7"), 5000));
    const EndpointKey c = endpoint_key(udp::endpoint(make_address("192.0.2.7"), 5001));
    CHECK(a == b);
    CHECK_FALSE(a == c);
    CHECK(KeyedHash{42}(a) == KeyedHash{42}(b));
  }

  TEST_CASE("the index finds bound sources and the sessions behind a peer IP") {
    EndpointIndex index;
    const EndpointKey alice = endpoint_key(udp::endpoint(make_address("192.0.2.7"), 5000));
    const EndpointKey bob = endpoint_key(udp::endpoint(make_address("192.0.2.7"), 5001));
    CHECK(index.find(alice) == 0);
    index.bind(alice, 3);
    index.bind(bob, 4);
    CHECK(index.find(alice) == 3);
    CHECK(index.find(bob) == 4);
    index.unbind(alice);
    CHECK(index.find(alice) == 0);
    CHECK(index.bound_count() == 1);

    const IpKey ip = ip_key(make_address("192.0.2.7"));
    index.add_peer(ip, 3);
    index.add_peer(ip, 4);
    index.add_peer(ip, 3);
    CHECK(std::vector<SessionId>(index.peers_at(ip).begin(), index.peers_at(ip).end()) ==
          std::vector<SessionId>{3, 4});
    index.remove_peer(ip, 3);
    index.remove_peer(ip, 4);
    CHECK(index.peers_at(ip).empty());
    CHECK(index.peers_at(ip_key(make_address("198.51.100.1"))).empty());
  }

  TEST_CASE("unknown sources try the newest unbound sessions, then the others in rotation") {
    const auto start = Clock::time_point{} + 1h;
    EndpointLearner learner{{.trials_per_datagram = 4, .trials_per_second = 1000}, start};
    const std::vector<SessionId> peers{1, 2, 3, 4, 5, 6, 7};  // oldest first
    const std::set<SessionId> bound{1, 3, 6, 7};
    const auto is_bound = [&](SessionId id) { return bound.contains(id); };
    std::vector<SessionId> plan;
    REQUIRE(learner.plan(peers, is_bound, start, plan));
    CHECK(plan == std::vector<SessionId>{5, 4, 1, 2});
    REQUIRE(learner.plan(peers, is_bound, start, plan));
    CHECK(plan == std::vector<SessionId>{5, 4, 3, 6});
    // Every session gets its turn over successive datagrams.
    std::set<SessionId> tried;
    for (int i = 0; i < 4; ++i) {
      REQUIRE(learner.plan(
          peers, [](SessionId) { return true; }, start, plan));
      CHECK(plan.size() == 4);
      tried.insert(plan.begin(), plan.end());
    }
    CHECK(tried == std::set<SessionId>{1, 2, 3, 4, 5, 6, 7});
  }

  TEST_CASE("the trial budget caps the work unknown sources cause per second") {
    const auto start = Clock::time_point{} + 1h;
    EndpointLearner learner{{.trials_per_datagram = 4, .trials_per_second = 10}, start};
    const std::vector<SessionId> peers{1, 2, 3, 4, 5, 6};
    const auto unbound = [](SessionId) { return false; };
    std::vector<SessionId> plan;
    REQUIRE(learner.plan(peers, unbound, start, plan));
    CHECK(plan.size() == 4);
    REQUIRE(learner.plan(peers, unbound, start, plan));
    CHECK(plan.size() == 4);
    REQUIRE(learner.plan(peers, unbound, start, plan));
    CHECK(plan.size() == 2);
    CHECK_FALSE(learner.plan(peers, unbound, start, plan));
    CHECK(plan.empty());
    REQUIRE(learner.plan(peers, unbound, start + 1s, plan));
    CHECK(plan.size() == 4);
    // Trials an early match made unnecessary come back (without: 4, then 2).
    learner.refund(3);
    REQUIRE(learner.plan(peers, unbound, start + 1s, plan));
    CHECK(plan.size() == 4);
    REQUIRE(learner.plan(peers, unbound, start + 1s, plan));
    CHECK(plan.size() == 4);
    REQUIRE(learner.plan(peers, unbound, start + 1s, plan));
    CHECK(plan.size() == 1);
  }
}

}  // namespace plenum::server::voice
