// TokenBucket: tokens that refill continuously at a rate up to a burst, for the voice plane's
// caps on the work unauthenticated datagrams can cause (trial decrypts, query replies). Plain
// data, so a table of them stays small; rate, burst and time are passed in. Voice thread.
#pragma once

#include <algorithm>
#include <chrono>

namespace plenum::server::voice {

struct TokenBucket {
  using Clock = std::chrono::steady_clock;

  double tokens = 0;
  Clock::time_point refilled{};

  // Adds what `rate` tokens per second brought since the last refill, up to `burst`.
  void refill(double rate, double burst, Clock::time_point now) noexcept {
    const std::chrono::duration<double> elapsed = now - refilled;
    if (elapsed.count() <= 0) return;
    tokens = std::min(burst, tokens + elapsed.count() * rate);
    refilled = now;
  }
  // Returns tokens taken but not used, up to `burst`.
  void give_back(double unused, double burst) noexcept {
    tokens = std::min(burst, tokens + unused);
  }
};

}  // namespace plenum::server::voice
