#include "server/control/login_throttle.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::control;
using namespace std::chrono_literals;

TEST_SUITE("control.login_throttle") {

TEST_CASE("autobanAttempts failures within the timeframe ban the address for autobanTime") {
  LoginThrottle throttle{{.attempts = 3, .timeframe = 120s, .ban_time = 300s}};
  const LoginThrottle::Clock::time_point t0{};
  CHECK_FALSE(throttle.suspect("a", t0));
  CHECK_FALSE(throttle.on_failure("a", "SuperUser", t0));
  CHECK(throttle.suspect("a", t0 + 1s));
  CHECK_FALSE(throttle.suspect("b", t0 + 1s));  // another address stays clean
  CHECK_FALSE(throttle.on_failure("a", "SuperUser", t0 + 10s));
  CHECK_FALSE(throttle.banned("a", t0 + 10s));
  CHECK(throttle.on_failure("a", "SuperUser", t0 + 20s));
  CHECK(throttle.banned("a", t0 + 21s));
  CHECK_FALSE(throttle.banned("b", t0 + 21s));
  CHECK(throttle.account_throttled("SuperUser", t0 + 21s));
  CHECK(throttle.banned("a", t0 + 319s));
  CHECK_FALSE(throttle.banned("a", t0 + 321s));
  CHECK(throttle.bans_issued() == 1);
}

TEST_CASE("failures older than the timeframe do not count and are forgotten") {
  LoginThrottle throttle{{.attempts = 2, .timeframe = 60s, .ban_time = 300s}};
  const LoginThrottle::Clock::time_point t0{};
  CHECK_FALSE(throttle.on_failure("a", "", t0));
  CHECK_FALSE(throttle.on_failure("a", "", t0 + 61s));  // the first one expired
  CHECK_FALSE(throttle.banned("a", t0 + 62s));
  CHECK_FALSE(throttle.account_throttled("", t0 + 62s));
  throttle.prune(t0 + 200s);
  CHECK(throttle.tracked_addresses() == 0);
  CHECK_FALSE(throttle.suspect("a", t0 + 200s));
}

TEST_CASE("autobanAttempts = 0 never bans or throttles an account, but still marks suspects") {
  LoginThrottle throttle{{.attempts = 0, .timeframe = 120s, .ban_time = 300s}};
  const LoginThrottle::Clock::time_point t0{};
  for (int i = 0; i < 100; ++i) CHECK_FALSE(throttle.on_failure("a", "x", t0 + std::chrono::seconds{i}));
  CHECK_FALSE(throttle.banned("a", t0 + 100s));
  CHECK_FALSE(throttle.account_throttled("x", t0 + 100s));
  CHECK(throttle.suspect("a", t0 + 100s));
}

}  // TEST_SUITE
