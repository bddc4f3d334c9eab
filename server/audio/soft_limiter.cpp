#include "server/audio/soft_limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace plenum::server::audio {
namespace {

// The frame is limited in blocks of 2.5 ms (Opus' shortest frame). The whole 20 ms frame is at
// hand, so the gain can look one block ahead for free: it is already down when a loud block
// starts, except for the first block of a frame after a quiet one.
constexpr std::size_t kBlock = 120;

float block_peak(std::span<const float> in) {
  float peak = 0.0F;
  for (const float s : in) {
    if (std::isfinite(s)) {
      peak = std::max(peak, std::fabs(s));
    }
  }
  return peak;
}

}  // namespace

float SoftLimiter::shape(float sample) const noexcept {
  if (!std::isfinite(sample)) {
    return 0.0F;
  }
  const float magnitude = std::fabs(sample);
  if (magnitude <= tuning_.knee) {
    return sample;
  }
  // Above the knee: knee + room * e / (room + e), continuous in value and slope at the knee and
  // approaching 1 only as e grows without bound (no flat top: not a clip). The final bound only
  // matters for absurd inputs, where float rounding would reach 1.
  const float room = 1.0F - tuning_.knee;
  const float excess = magnitude - tuning_.knee;
  const float bent = tuning_.knee + room * excess / (room + excess);
  return std::copysign(std::min(bent, 0.9999F), sample);
}

void SoftLimiter::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  const float release = std::pow(10.0F, tuning_.release_db_per_frame / 20.0F /
                                            static_cast<float>(std::max<std::size_t>(blocks, 1)));
  const auto needed = [&](std::size_t b) {
    const std::size_t begin = b * kBlock;
    const float peak = block_peak(in.subspan(begin, std::min(kBlock, n - begin)));
    return peak > tuning_.threshold ? tuning_.threshold / peak : 1.0F;
  };
  float next_need = blocks > 0 ? needed(0) : 1.0F;
  for (std::size_t b = 0; b < blocks; ++b) {
    const float this_need = next_need;
    next_need = b + 1 < blocks ? needed(b + 1) : this_need;
    // Down at once to what this block and the next need; up slowly.
    const float target = std::min({this_need, next_need, std::min(1.0F, gain_ * release)});
    const std::size_t begin = b * kBlock;
    const std::size_t end = std::min(begin + kBlock, n);
    const float step = (target - gain_) / static_cast<float>(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      out[i] = shape(in[i] * (gain_ + step * static_cast<float>(i - begin + 1)));
    }
    gain_ = target;
  }
}

}  // namespace plenum::server::audio
