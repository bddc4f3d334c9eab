#include "server/audio/noise_floor.hpp"

#include "server/audio/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::server::audio {
namespace {

// The share of the distance a one-pole filter with time constant `tau` covers in `step`.
float approach(std::chrono::milliseconds step, std::chrono::milliseconds tau) noexcept {
  if (tau.count() <= 0) {
    return 1.0F;
  }
  const double ratio = static_cast<double>(step.count()) / static_cast<double>(tau.count());
  return static_cast<float>(1.0 - std::exp(-ratio));
}

}  // namespace

NoiseFloor::NoiseFloor(const NoiseFloorTuning& tuning) noexcept
    : tuning_(tuning), floor_dbfs_(std::max(tuning.initial_dbfs, kSilenceDbfs)) {}

float NoiseFloor::update(float level_dbfs, std::chrono::milliseconds step) noexcept {
  const float level = std::max(level_dbfs, kSilenceDbfs);
  const auto tau = level < floor_dbfs_ ? tuning_.fall_time : tuning_.rise_time;
  floor_dbfs_ += (level - floor_dbfs_) * approach(step, tau);
  return floor_dbfs_;
}

}  // namespace plenum::server::audio
