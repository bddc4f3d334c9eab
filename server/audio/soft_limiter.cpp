#include "server/audio/soft_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::server::audio {

float SoftLimiter::shape(float sample) const noexcept {
  if (!std::isfinite(sample)) {
    return 0.0F;
  }
  const float magnitude = std::fabs(sample);
  if (magnitude <= tuning_.knee) {
    return sample;
  }
  // Above the knee: knee + (1 - knee) * tanh(excess / (1 - knee)), continuous in value and slope
  // at the knee and below 1 for every finite input.
  const float room = 1.0F - tuning_.knee;
  const float bent = tuning_.knee + room * std::tanh((magnitude - tuning_.knee) / room);
  return std::copysign(std::min(bent, 0.999F), sample);
}

void SoftLimiter::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  float peak = 0.0F;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(in[i])) {
      peak = std::max(peak, std::fabs(in[i]));
    }
  }
  const float release = std::pow(10.0F, tuning_.release_db_per_frame / 20.0F);
  const float needed = peak > tuning_.threshold ? tuning_.threshold / peak : 1.0F;
  const float target = std::min(needed, std::min(1.0F, gain_ * release));
  const float step = n > 0 ? (target - gain_) / static_cast<float>(n) : 0.0F;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = shape(in[i] * (gain_ + step * static_cast<float>(i + 1)));
  }
  gain_ = target;
}

}  // namespace plenum::server::audio
