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
    : tuning_(tuning),
      floor_dbfs_(std::max(tuning.initial_dbfs, kSilenceDbfs)),
      last_level_dbfs_(floor_dbfs_) {}

float NoiseFloor::update(float level_dbfs, std::chrono::milliseconds step) noexcept {
  const float level = std::max(level_dbfs, kSilenceDbfs);
  const float fall_to = std::max(level, last_level_dbfs_);
  last_level_dbfs_ = level;
  if (fall_to < floor_dbfs_) {
    floor_dbfs_ += (fall_to - floor_dbfs_) * approach(step, tuning_.fall_time);
  } else if (level > floor_dbfs_) {
    floor_dbfs_ += (level - floor_dbfs_) * approach(step, tuning_.rise_time);
  }
  return floor_dbfs_;
}

}  // namespace plenum::server::audio
