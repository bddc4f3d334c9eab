#include "server/voice/endpoint_learner.hpp"

#include <algorithm>

namespace plenum::server::voice {

EndpointLearner::EndpointLearner(LearnerLimits limits, Clock::time_point now) noexcept
    : limits_{limits}, budget_{static_cast<double>(limits.trials_per_second), now} {}

std::size_t EndpointLearner::take_budget(std::size_t wanted, Clock::time_point now) noexcept {
  // A second's worth of trials may come at once.
  const double rate = limits_.trials_per_second;
  budget_.refill(rate, rate, now);
  const auto granted = std::min(wanted, static_cast<std::size_t>(budget_.tokens));
  budget_.tokens -= static_cast<double>(granted);
  return granted;
}

void EndpointLearner::refund(std::size_t unused_trials) noexcept {
  budget_.give_back(static_cast<double>(unused_trials), limits_.trials_per_second);
}

}  // namespace plenum::server::voice
