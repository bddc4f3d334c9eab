// SoftLimiter: keeps one mix output inside [-1, 1] without wrapping or hard clipping (Janus
// casts its int32 sum to int16, which wraps; a hard clip is a square-wave buzz). One per mix
// stream (shared or N-1), owned by that stream in ChannelMix; engine thread. Copyable: an N-1
// stream starts as a copy of the shared one, limiter state included, so the switch is seamless.
//
// Two stages. A gain stage follows the frame's peak: when a frame would exceed `threshold`, the
// gain drops to bring it there (ramped across the frame: no step), and it recovers slowly
// (`release_db_per_frame`, ~15 dB/s) so loud passages are not pumped. What the ramp lets
// through above `knee` is bent by a tanh curve that approaches but never reaches 1. So the
// output is always strictly within (-1, 1); a non-finite input sample becomes 0.
#pragma once

#include <span>

namespace plenum::server::audio {

struct LimiterTuning {
  float threshold = 0.89F;   // -1 dBFS: where the gain stage aims
  float knee = 0.89F;        // where the soft curve starts
  float release_db_per_frame = 0.3F;
};

class SoftLimiter {
 public:
  explicit SoftLimiter(const LimiterTuning& tuning = {}) : tuning_(tuning) {}

  // in and out may be the same span.
  void process(std::span<const float> in, std::span<float> out) noexcept;

  float gain() const noexcept { return gain_; }

 private:
  float shape(float sample) const noexcept;

  LimiterTuning tuning_;
  float gain_ = 1.0F;
};

}  // namespace plenum::server::audio
