#include "server/state/breakout_state.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using namespace std::chrono_literals;

TEST_SUITE("state.breakout") {

TEST_CASE("groups belong to their plenary channel, the end is warned a minute before") {
  BreakoutState breakouts;
  const auto t0 = FloorClock::time_point{} + 1h;
  REQUIRE(breakouts.start(3, Breakout{{10, 11}, t0 + 5min, false}));
  CHECK_FALSE(breakouts.start(3, Breakout{{12}, std::nullopt, false}));
  REQUIRE(breakouts.start(4, Breakout{{13}, std::nullopt, false}));  // until /return
  CHECK(breakouts.plenary_of(10) == 3U);
  CHECK(breakouts.plenary_of(3) == 3U);
  CHECK(breakouts.plenary_of(13) == 4U);
  CHECK_FALSE(breakouts.plenary_of(99));
  CHECK(breakouts.next_due() == t0 + 4min);
  CHECK(breakouts.due(t0 + 3min).warn.empty());
  const auto warned = breakouts.due(t0 + 4min);
  CHECK(warned.warn == std::vector<ChannelId>{3});
  CHECK(warned.finish.empty());
  CHECK(breakouts.due(t0 + 4min + 1s).warn.empty());  // once
  CHECK(breakouts.next_due() == t0 + 5min);
  CHECK(breakouts.due(t0 + 5min).finish == std::vector<ChannelId>{3});
  breakouts.forget_group(10);
  CHECK(breakouts.find(3)->groups == std::vector<ChannelId>{11});
  const auto done = breakouts.finish(3);
  REQUIRE(done.has_value());
  CHECK_FALSE(breakouts.find(3));
  CHECK_FALSE(breakouts.next_due());
}

}  // TEST_SUITE
