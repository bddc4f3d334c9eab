#include "server/state/leaky_bucket.hpp"

namespace plenum::server::state {

LeakyBucket::LeakyBucket(std::uint32_t tokens_per_second, std::uint32_t capacity,
                         Clock::time_point now) noexcept
    : tokens_per_second_{tokens_per_second}, capacity_{capacity}, drained_since_{now} {}

bool LeakyBucket::try_consume(Clock::time_point now, std::uint32_t tokens) noexcept {
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - drained_since_).count();
  const std::uint64_t drained =
      elapsed_ms <= 0 ? 0 : static_cast<std::uint64_t>(elapsed_ms) * tokens_per_second_ / 1000;
  if (drained > 0) drained_since_ = now;
  tokens_ = drained >= tokens_ ? 0 : tokens_ - drained;
  if (tokens_ + tokens > capacity_) return false;
  tokens_ += tokens;
  return true;
}

}  // namespace plenum::server::state
