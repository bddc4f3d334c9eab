#include "server/state/floor_state.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;
using namespace std::chrono_literals;

namespace {

constexpr ChannelId kHall = 3;

std::vector<SessionId> sessions_of(const std::vector<QueueEntry>& queue) {
  std::vector<SessionId> sessions;
  for (const auto& entry : queue) sessions.push_back(entry.session);
  return sessions;
}

}  // namespace

TEST_SUITE("state.floor") {

TEST_CASE("hands queue in arrival order, a point of order goes ahead, behind earlier points") {
  FloorState floor;
  const auto t0 = FloorClock::time_point{};
  CHECK(floor.raise_hand(kHall, 1, "budget", QueuePolicy::Fifo)->position == 1);
  CHECK(floor.raise_hand(kHall, 2, "", QueuePolicy::Fifo)->position == 2);
  CHECK(floor.raise_hand(kHall, 3, "", QueuePolicy::Fifo)->position == 3);
  const auto again = floor.raise_hand(kHall, 1, "budget 2027", QueuePolicy::Fifo);
  CHECK(again->moved);
  CHECK(again->position == 1);
  CHECK(floor.queue(kHall, QueuePolicy::Fifo).front().topic == "budget 2027");
  CHECK(floor.point_of_order(kHall, 3, QueuePolicy::Fifo)->position == 1);
  CHECK(floor.point_of_order(kHall, 4, QueuePolicy::Fifo)->position == 2);
  CHECK(sessions_of(floor.queue(kHall, QueuePolicy::Fifo)) == std::vector<SessionId>{3, 4, 1, 2});
  CHECK(floor.queue(kHall, QueuePolicy::Fifo).front().point_of_order);
  CHECK(floor.lower_hand(kHall, 4));
  CHECK_FALSE(floor.lower_hand(kHall, 4));
  CHECK(floor.position(kHall, 2, QueuePolicy::Fifo) == 3U);

  const auto next = floor.next(kHall, QueuePolicy::Fifo, t0);
  CHECK(next.taken.empty());
  REQUIRE(next.given.has_value());
  CHECK(next.given->session == 3);
  CHECK(floor.floor_holders(kHall) == std::vector<SessionId>{3});
  CHECK_FALSE(floor.raise_hand(kHall, 3, "", QueuePolicy::Fifo));  // a holder does not queue
  const auto after = floor.next(kHall, QueuePolicy::Fifo, t0);
  CHECK(after.taken == std::vector<SessionId>{3});
  CHECK(after.given->session == 1);
  CHECK(floor.floor_holders(kHall) == std::vector<SessionId>{1});
  CHECK(floor.queue(kHall, QueuePolicy::Fifo).size() == 1);
}

TEST_CASE("first-time-first puts those who have not spoken ahead of those who have") {
  FloorState floor;
  const auto t0 = FloorClock::time_point{};
  CHECK(floor.give(kHall, 1, t0));
  CHECK(floor.take(kHall, 1));
  CHECK(floor.has_spoken(kHall, 1));
  floor.raise_hand(kHall, 1, "", QueuePolicy::FirstTimeFirst);  // has spoken
  floor.raise_hand(kHall, 2, "", QueuePolicy::FirstTimeFirst);
  floor.raise_hand(kHall, 3, "", QueuePolicy::FirstTimeFirst);
  CHECK(sessions_of(floor.queue(kHall, QueuePolicy::FirstTimeFirst)) == std::vector<SessionId>{2, 3, 1});
  CHECK(sessions_of(floor.queue(kHall, QueuePolicy::Fifo)) == std::vector<SessionId>{1, 2, 3});
  floor.point_of_order(kHall, 1, QueuePolicy::FirstTimeFirst);
  CHECK(sessions_of(floor.queue(kHall, QueuePolicy::FirstTimeFirst)) == std::vector<SessionId>{1, 2, 3});
  // Leaving a channel keeps "has spoken"; disconnecting forgets it.
  CHECK(floor.leave(kHall, 1));
  CHECK(floor.has_spoken(kHall, 1));
  floor.forget_session(1);
  CHECK_FALSE(floor.has_spoken(kHall, 1));
}

TEST_CASE("silencing: moderated or muted-all channels let only floor holders speak") {
  FloorState floor;
  const auto t0 = FloorClock::time_point{};
  CHECK_FALSE(floor.silences(kHall, 1, false));
  CHECK(floor.silences(kHall, 1, true));
  floor.give(kHall, 1, t0);
  CHECK_FALSE(floor.silences(kHall, 1, true));
  CHECK(floor.silences(kHall, 2, true));
  CHECK(floor.set_muted_all(kHall, true));
  CHECK_FALSE(floor.set_muted_all(kHall, true));
  CHECK(floor.silences(kHall, 2, false));
  CHECK_FALSE(floor.silences(kHall, 1, false));
  CHECK(floor.set_muted_all(kHall, false));
  CHECK_FALSE(floor.silences(kHall, 2, false));
  CHECK(floor.take_all(kHall) == std::vector<SessionId>{1});
  CHECK(floor.silences(kHall, 1, true));
}

TEST_CASE("a time limit warns at 30 s and 10 s left, then takes the floor") {
  FloorState floor;
  const auto t0 = FloorClock::time_point{} + 100s;
  floor.give(kHall, 7, t0);
  CHECK(floor.next_due(kHall, 0) == std::nullopt);
  CHECK(floor.due(kHall, 0, t0 + 1h).empty());  // no limit
  CHECK(floor.next_due(kHall, 60) == t0 + 30s);
  CHECK(floor.due(kHall, 60, t0 + 29s).empty());
  CHECK(floor.due(kHall, 60, t0 + 30s) ==
        std::vector<FloorTimeEvent>{{FloorTimeEvent::Kind::Warning, 7, 30}});
  CHECK(floor.due(kHall, 60, t0 + 31s).empty());  // once
  CHECK(floor.next_due(kHall, 60) == t0 + 50s);
  CHECK(floor.due(kHall, 60, t0 + 50s) ==
        std::vector<FloorTimeEvent>{{FloorTimeEvent::Kind::Warning, 7, 10}});
  CHECK(floor.next_due(kHall, 60) == t0 + 60s);
  CHECK(floor.due(kHall, 60, t0 + 60s) ==
        std::vector<FloorTimeEvent>{{FloorTimeEvent::Kind::Expired, 7, 0}});
  CHECK(floor.floor_holders(kHall).empty());
  CHECK(floor.has_spoken(kHall, 7));

  // Short limits skip the warnings they are shorter than; a late check sends only the nearer.
  floor.give(kHall, 8, t0);
  CHECK(floor.next_due(kHall, 5) == t0 + 5s);
  CHECK(floor.due(kHall, 20, t0 + 10s) ==
        std::vector<FloorTimeEvent>{{FloorTimeEvent::Kind::Warning, 8, 10}});
  floor.set_time_limit(kHall, 45);
  CHECK(floor.time_limit_override(kHall) == 45U);
  CHECK(floor.due(kHall, 45, t0 + 40s) ==
        std::vector<FloorTimeEvent>{{FloorTimeEvent::Kind::Warning, 8, 5}});
}

TEST_CASE("give, take and clear, the state of a channel goes when it holds nothing") {
  FloorState floor;
  const auto t0 = FloorClock::time_point{};
  floor.raise_hand(kHall, 1, "", QueuePolicy::Fifo);
  floor.raise_hand(kHall, 2, "", QueuePolicy::Fifo);
  CHECK(floor.give(kHall, 2, t0));
  CHECK_FALSE(floor.give(kHall, 2, t0));
  CHECK(floor.give(kHall, 5, t0));
  CHECK(floor.floor_holders(kHall) == std::vector<SessionId>{2, 5});
  CHECK(floor.queue(kHall, QueuePolicy::Fifo).size() == 1);  // 2 left the queue
  CHECK(floor.take(kHall, 5));
  CHECK_FALSE(floor.take(kHall, 5));
  CHECK(floor.clear_queue(kHall) == 1);
  CHECK(floor.floor_holders(kHall) == std::vector<SessionId>{2});
  floor.forget_session(2);
  floor.forget_session(5);
  CHECK(floor.channels().empty());
  CHECK(floor.floor_holders(99).empty());
}

}  // TEST_SUITE
