#include "server/state/poll_state.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

TEST_SUITE("state.poll") {

TEST_CASE("one vote per voter, changeable, only counts come out, and only at close") {
  PollState polls;
  CHECK(polls.vote(3, 1, 1) == VoteOutcome::NoPoll);
  REQUIRE(polls.open(3, "Lunch?", {"yes", "no", "abstain"}));
  CHECK_FALSE(polls.open(3, "Again?", {"a", "b"}));
  CHECK(polls.open(4, "Elsewhere", {"a", "b"}));  // one per channel
  CHECK(polls.vote(3, 1, 1) == VoteOutcome::Counted);
  CHECK(polls.vote(3, 1, 1) == VoteOutcome::Unchanged);
  CHECK(polls.vote(3, 2, 1) == VoteOutcome::Counted);
  CHECK(polls.vote(3, 2, 2) == VoteOutcome::Changed);
  CHECK(polls.vote(3, 3, 3) == VoteOutcome::Counted);
  CHECK(polls.vote(3, 4, 0) == VoteOutcome::NoSuchOption);
  CHECK(polls.vote(3, 4, 4) == VoteOutcome::NoSuchOption);
  const auto running = polls.summary(3);
  REQUIRE(running.has_value());
  CHECK(running->votes == 3);
  CHECK(running->counts == std::vector<std::uint32_t>{0, 0, 0});  // no counts while it runs
  const auto result = polls.close(3);
  REQUIRE(result.has_value());
  CHECK(*result == PollResult{"Lunch?", {"yes", "no", "abstain"}, {1, 1, 1}, 3});
  CHECK_FALSE(polls.is_open(3));
  CHECK_FALSE(polls.close(3));
  CHECK(polls.vote(3, 1, 1) == VoteOutcome::NoPoll);
  // A new poll starts with no ballots: the old voters vote afresh.
  REQUIRE(polls.open(3, "Dinner?", {"yes", "no"}));
  CHECK(polls.vote(3, 1, 2) == VoteOutcome::Counted);
  CHECK(polls.close(3)->counts == std::vector<std::uint32_t>{0, 1});
}

}  // TEST_SUITE
