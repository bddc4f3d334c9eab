// The rings between voice shards: order, capacity, and the wake-up on empty -> non-empty that
// a sleeping shard depends on (the two-thread case is the one to run under TSan).
#include "server/voice/shard_mesh.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace plenum::server::voice {

TEST_SUITE("voice.shards") {
  TEST_CASE("a ring keeps order, refuses a message when full and reports empty -> non-empty") {
    SpscRing<int> ring{2};
    CHECK(ring.front() == nullptr);
    *ring.prepare() = 1;
    CHECK(ring.publish());  // was empty: wake the consumer
    *ring.prepare() = 2;
    CHECK_FALSE(ring.publish());
    CHECK(ring.prepare() == nullptr);
    REQUIRE(ring.front() != nullptr);
    CHECK(*ring.front() == 1);
    ring.pop();
    *ring.prepare() = 3;
    CHECK_FALSE(ring.publish());
    CHECK(*ring.front() == 2);
    ring.pop();
    CHECK(*ring.front() == 3);
    ring.pop();
    CHECK(ring.front() == nullptr);
    *ring.prepare() = 4;
    CHECK(ring.publish());
  }

  TEST_CASE("the mesh wakes a shard only when a ring towards it turns non-empty") {
    ShardMesh mesh{3, 4};
    std::vector<std::size_t> woken;
    mesh.set_waker([&](std::size_t shard) { woken.push_back(shard); });
    mesh.prepare(0, 2)->session = 7;
    mesh.publish(0, 2);
    mesh.prepare(0, 2)->session = 8;
    mesh.publish(0, 2);
    mesh.prepare(1, 2)->session = 9;
    mesh.publish(1, 2);
    CHECK(woken == std::vector<std::size_t>{2, 2});
    std::vector<SessionId> seen;
    CHECK(mesh.drain(2, [&](const ShardMessage& m) { seen.push_back(m.session); }) == 3);
    CHECK(seen == std::vector<SessionId>{7, 8, 9});
    CHECK(mesh.drain(1, [](const ShardMessage&) {}) == 0);
  }

  TEST_CASE("a consumer that sleeps until woken gets every message, in order, across threads") {
    constexpr int kCount = 20000;
    SpscRing<int> ring{16};
    std::atomic<int> wakes{0};
    std::thread producer([&] {
      for (int i = 0; i < kCount; ++i) {
        int* slot = nullptr;
        while ((slot = ring.prepare()) == nullptr) std::this_thread::yield();
        *slot = i;
        if (ring.publish()) {
          wakes.fetch_add(1);
          wakes.notify_one();
        }
      }
    });
    int expected = 0;
    int seen_wakes = 0;
    while (expected < kCount) {
      // Sleep until a wake-up we have not used yet: a lost one would hang here.
      wakes.wait(seen_wakes);
      seen_wakes = wakes.load();
      while (const int* value = ring.front()) {
        REQUIRE(*value == expected);
        ++expected;
        ring.pop();
      }
    }
    producer.join();
    CHECK(expected == kCount);
  }
}

}  // namespace plenum::server::voice
