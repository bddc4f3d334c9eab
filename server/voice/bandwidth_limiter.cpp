#include "server/voice/bandwidth_limiter.hpp"

#include <algorithm>
#include <limits>

namespace plenum::server::voice {

BandwidthLimiter::BandwidthLimiter(Clock::time_point now) noexcept {
  times_.fill(now - kIdleHistory);
}

bool BandwidthLimiter::try_add(std::size_t bytes, std::uint32_t bytes_per_second,
                               Clock::time_point now) noexcept {
  const auto size = static_cast<std::uint16_t>(
      std::min<std::size_t>(bytes, std::numeric_limits<std::uint16_t>::max()));
  if (bytes_per_second != 0) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(now - times_[next_]).count();
    if (elapsed <= 0) return false;
    const std::uint64_t window = sum_ - sizes_[next_] + size;
    if (window * 1'000'000U / static_cast<std::uint64_t>(elapsed) > bytes_per_second) return false;
  }
  sum_ = sum_ - sizes_[next_] + size;
  sizes_[next_] = size;
  times_[next_] = now;
  next_ = (next_ + 1) % kSlots;
  return true;
}

}  // namespace plenum::server::voice
