#include "server/voice/bandwidth_limiter.hpp"

#include <doctest/doctest.h>

namespace plenum::server::voice {

using namespace std::chrono_literals;
using Clock = BandwidthLimiter::Clock;

TEST_SUITE("voice.bandwidth") {
  TEST_CASE("a stream within the limit passes whole") {
    const auto start = Clock::time_point{} + 1h;
    BandwidthLimiter limiter{start};
    // 100 bytes every 20 ms is 5000 B/s, under 9000 B/s (72 kbit/s).
    auto now = start;
    for (int i = 0; i < 1000; ++i) {
      now += 20ms;
      REQUIRE(limiter.try_add(100, 9000, now));
    }
  }

  TEST_CASE("a stream above the limit is cut to the limit") {
    const auto start = Clock::time_point{} + 1h;
    BandwidthLimiter limiter{start};
    // 1000 bytes every 20 ms is 50000 B/s; over 5 s, plus the 1 s of idle history a new
    // session starts with, 9000 * 6 bytes may pass: 54 packets.
    auto now = start;
    int accepted = 0;
    for (int i = 0; i < 250; ++i) {
      now += 20ms;
      if (limiter.try_add(1000, 9000, now)) ++accepted;
    }
    CHECK(accepted >= 50);
    CHECK(accepted <= 54);
  }

  TEST_CASE("a burst on top of a steady stream is dropped, and refused packets cost nothing") {
    const auto start = Clock::time_point{} + 1h;
    BandwidthLimiter limiter{start};
    auto now = start;
    for (int i = 0; i < 400; ++i) {
      now += 20ms;
      REQUIRE(limiter.try_add(100, 9000, now));
    }
    int burst = 0;
    while (burst < 400 && limiter.try_add(100, 9000, now)) ++burst;
    CHECK(burst > 100);
    CHECK(burst < 359);
    CHECK_FALSE(limiter.try_add(100, 9000, now));
    // The refusals recorded nothing: a few seconds later the stream goes on.
    CHECK(limiter.try_add(100, 9000, now + 4s));
  }

  TEST_CASE("a first packet right after the start passes, a burst gets one idle second's worth") {
    const auto start = Clock::time_point{} + 1h;
    BandwidthLimiter limited{start};
    // The race the idle history fixes: the first packet in the same instant as the session.
    CHECK(limited.try_add(10, 9000, start));
    int burst = 0;
    while (burst < 100 && limited.try_add(1000, 9000, start)) ++burst;
    CHECK(burst == 8);  // 10 + 8 * 1000 <= 9000 * 1 s < 10 + 9 * 1000
  }

  TEST_CASE("a zero limit means unlimited") {
    const auto start = Clock::time_point{} + 1h;
    BandwidthLimiter unlimited{start};
    for (int i = 0; i < 1000; ++i) REQUIRE(unlimited.try_add(1000, 0, start));
  }
}

}  // namespace plenum::server::voice
