// The server-query reply cap: per source, per IPv6 /64, globally, and with a full table.
#include "server/voice/query_limiter.hpp"

#include <doctest/doctest.h>

namespace plenum::server::voice {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using Clock = QueryLimiter::Clock;

IpKey v4(std::uint32_t n) { return ip_key(boost::asio::ip::address_v4(0x0a000000U + n)); }

int allowed(QueryLimiter& limiter, const IpKey& source, int tries, Clock::time_point now) {
  int count = 0;
  for (int i = 0; i < tries; ++i) count += limiter.allow(source, now) ? 1 : 0;
  return count;
}

}  // namespace

TEST_SUITE("voice.query_limiter") {
  TEST_CASE("one source gets its burst, then its rate, others are not affected") {
    const Clock::time_point start = Clock::time_point{} + 1h;
    QueryLimiter limiter{{.replies_per_second = 1000, .per_source_per_second = 5,
                          .per_source_burst = 20},
                         start};
    CHECK(allowed(limiter, v4(1), 100, start) == 20);
    CHECK(allowed(limiter, v4(2), 3, start) == 3);
    CHECK(allowed(limiter, v4(1), 100, start + 1s) == 5);
    CHECK(allowed(limiter, v4(1), 100, start + 1s + 200ms) == 1);
  }

  TEST_CASE("an IPv6 /64 counts as one source") {
    const Clock::time_point start = Clock::time_point{} + 1h;
    QueryLimiter limiter{{.replies_per_second = 1000, .per_source_per_second = 1,
                          .per_source_burst = 4},
                         start};
    CHECK(allowed(limiter, ip_key(make_address("2001:db8::1")), 3, start) == 3);
    CHECK(allowed(limiter, ip_key(make_address("2001:db8::ffff:2")), 3, start) == 1);
    CHECK(allowed(limiter, ip_key(make_address("2001:db8:0:1::1")), 3, start) == 3);
  }

  TEST_CASE("many sources together stay under the global rate") {
    const Clock::time_point start = Clock::time_point{} + 1h;
    QueryLimiter limiter{{.replies_per_second = 100, .per_source_per_second = 5,
                          .per_source_burst = 20},
                         start};
    int total = 0;
    for (std::uint32_t source = 0; source < 1000; ++source) {
      total += allowed(limiter, v4(source), 1, start);
    }
    CHECK(total == 100);
    total = 0;
    for (std::uint32_t source = 0; source < 1000; ++source) {
      total += allowed(limiter, v4(source), 1, start + 500ms);
    }
    CHECK(total == 50);
  }

  TEST_CASE("when every slot is busy, newcomers share one bucket instead of evicting") {
    const Clock::time_point start = Clock::time_point{} + 1h;
    QueryLimiter limiter{{.replies_per_second = 1'000'000, .per_source_per_second = 1,
                          .per_source_burst = 2},
                         start};
    constexpr std::size_t kSlots = QueryLimiter::kSets * QueryLimiter::kWays;
    int total = 0;
    for (std::uint32_t source = 0; source < 4 * kSlots; ++source) {
      total += allowed(limiter, v4(source), 2, start);
    }
    // Every slot holds a drained source; the overflow bucket gave out its own burst once.
    CHECK(total <= static_cast<int>(kSlots * 2 + 2));
    CHECK(total > static_cast<int>(kSlots));
    // The first source is still tracked and drained: no fresh bucket for it.
    CHECK(allowed(limiter, v4(0), 1, start) == 0);
  }
}

}  // namespace plenum::server::voice
