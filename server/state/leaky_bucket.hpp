// Murmur's per-client message rate limiter (ServerUser.cpp LeakyBucket; ini messagelimit /
// messageburst). One per session, owned by the control plane; the time is passed in, so tests
// drive it without a clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace plenum::server::state {

class LeakyBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `tokens_per_second` drain away continuously; `capacity` tokens fit. Starts empty at `now`.
  LeakyBucket(std::uint32_t tokens_per_second, std::uint32_t capacity,
              Clock::time_point now) noexcept;

  // Adds `tokens` for one message; false (drop the message silently) if they do not fit.
  bool try_consume(Clock::time_point now, std::uint32_t tokens = 1) noexcept;

  std::uint64_t level() const noexcept { return tokens_; }

 private:
  std::uint32_t tokens_per_second_;
  std::uint32_t capacity_;
  std::uint64_t tokens_ = 0;
  // Drained from here on. Murmur restarts this mark only when at least one whole token has
  // drained, so calls that come faster than the drain rate still drain eventually; the
  // fraction of a token left at a restart is lost, as in Murmur.
  Clock::time_point drained_since_;
};

}  // namespace plenum::server::state
