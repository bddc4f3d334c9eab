#include "server/audio/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::server::audio {

float rms_dbfs(std::span<const float> pcm) noexcept {
  if (pcm.empty()) {
    return kSilenceDbfs;
  }
  // Accumulate in double: 960 squares of small samples lose nothing, and NaN/inf from a broken
  // decoder cannot occur (libopus output is finite), so no check per sample.
  double energy = 0.0;
  for (const float sample : pcm) {
    energy += static_cast<double>(sample) * static_cast<double>(sample);
  }
  const double mean = energy / static_cast<double>(pcm.size());
  // 10·log10(mean square) = 20·log10(RMS); 1e-12 is -120 dB, the floor.
  const double dbfs = 10.0 * std::log10(std::max(mean, 1e-12));
  return std::max(static_cast<float>(dbfs), kSilenceDbfs);
}

}  // namespace plenum::server::audio
