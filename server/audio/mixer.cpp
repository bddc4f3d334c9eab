#include "server/audio/mixer.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::server::audio {

Mixer::Mixer(float duck_db) : duck_(std::pow(10.0F, duck_db / 20.0F)), weighted_(kMaxSelected) {}

void Mixer::sum(std::span<const MixInput> inputs) noexcept {
  count_ = std::min(inputs.size(), kMaxSelected);
  const auto used = inputs.first(count_);
  const bool ducking = std::any_of(used.begin(), used.end(),
                                   [](const MixInput& in) { return in.priority; });
  const float from = duck_gain_;
  const float to = ducking ? duck_ : 1.0F;
  const float step = (to - from) / static_cast<float>(kFrameSamples);
  bus_.fill(0.0F);
  for (std::size_t i = 0; i < count_; ++i) {
    const MixInput& in = used[i];
    speakers_[i] = in.speaker;
    PcmFrame& w = weighted_[i];
    const std::size_t n = std::min(in.pcm.size(), kFrameSamples);
    for (std::size_t s = 0; s < n; ++s) {
      const float gain = in.priority ? 1.0F : from + step * static_cast<float>(s + 1);
      w[s] = in.pcm[s] * gain;
      bus_[s] += w[s];
    }
    std::fill(w.begin() + static_cast<std::ptrdiff_t>(n), w.end(), 0.0F);
  }
  duck_gain_ = to;
}

void Mixer::shared(SoftLimiter& limiter, std::span<float> out) const noexcept {
  limiter.process(bus_, out);
}

void Mixer::without(SessionId speaker, SoftLimiter& limiter, std::span<float> out) const noexcept {
  const auto end = speakers_.begin() + static_cast<std::ptrdiff_t>(count_);
  const auto it = std::find(speakers_.begin(), end, speaker);
  if (it == end) {
    limiter.process(bus_, out);
    return;
  }
  // Recomputing the sum without the speaker would be exact too, but costs k passes; the
  // subtraction leaves a residue at float rounding (about -140 dB), far below hearing.
  const PcmFrame& own = weighted_[static_cast<std::size_t>(it - speakers_.begin())];
  for (std::size_t s = 0; s < kFrameSamples; ++s) {
    scratch_[s] = bus_[s] - own[s];
  }
  limiter.process(scratch_, out);
}

}  // namespace plenum::server::audio
