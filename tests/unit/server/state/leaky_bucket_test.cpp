#include "server/state/leaky_bucket.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using namespace std::chrono_literals;

namespace {

int deliver(LeakyBucket& bucket, LeakyBucket::Clock::time_point at, int count) {
  int passed = 0;
  for (int i = 0; i < count; ++i) passed += bucket.try_consume(at) ? 1 : 0;
  return passed;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("after one message a burst of 10 delivers 4 (messagelimit 1, burst 5) [observed]") {
  const LeakyBucket::Clock::time_point t0{};
  LeakyBucket bucket{1, 5, t0};
  CHECK(bucket.try_consume(t0));
  CHECK(deliver(bucket, t0 + 10ms, 10) == 4);
  CHECK(bucket.level() == 5U);
}

TEST_CASE("the bucket drains one token per 1/rate seconds, whole tokens only") {
  const LeakyBucket::Clock::time_point t0{};
  LeakyBucket bucket{1, 5, t0};
  CHECK(deliver(bucket, t0, 5) == 5);
  CHECK_FALSE(bucket.try_consume(t0 + 999ms));
  CHECK(bucket.try_consume(t0 + 1000ms));   // one token drained
  CHECK_FALSE(bucket.try_consume(t0 + 1500ms));
  CHECK(deliver(bucket, t0 + 4000ms, 10) == 3);  // three more drained since 1000 ms
  CHECK(deliver(bucket, t0 + 60s, 10) == 5);      // never below empty
}

TEST_CASE("frequent calls still drain: the mark moves only when a token drained") {
  const LeakyBucket::Clock::time_point t0{};
  LeakyBucket bucket{2, 2, t0};
  CHECK(deliver(bucket, t0, 2) == 2);
  for (auto t = 100ms; t < 500ms; t += 100ms) CHECK_FALSE(bucket.try_consume(t0 + t));
  CHECK(bucket.try_consume(t0 + 500ms));  // 500 ms at 2/s drained one token
}

}  // TEST_SUITE
