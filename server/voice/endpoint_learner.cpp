#include "server/voice/endpoint_learner.hpp"

#include <algorithm>

namespace plenum::server::voice {

EndpointLearner::EndpointLearner(LearnerLimits limits, Clock::time_point now) noexcept
    : limits_{limits}, tokens_{static_cast<double>(limits.trials_per_second)}, refilled_{now} {}

std::size_t EndpointLearner::take_budget(std::size_t wanted, Clock::time_point now) noexcept {
  const double rate = limits_.trials_per_second;
  const std::chrono::duration<double> elapsed = now - refilled_;
  if (elapsed.count() > 0) {
    tokens_ = std::min(rate, tokens_ + elapsed.count() * rate);
    refilled_ = now;
  }
  const auto granted = std::min(wanted, static_cast<std::size_t>(tokens_));
  tokens_ -= static_cast<double>(granted);
  return granted;
}

void EndpointLearner::refund(std::size_t unused_trials) noexcept {
  tokens_ = std::min(static_cast<double>(limits_.trials_per_second),
                     tokens_ + static_cast<double>(unused_trials));
}

}  // namespace plenum::server::voice
