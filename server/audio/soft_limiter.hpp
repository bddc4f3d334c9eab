// SoftLimiter: keeps one mix output inside [-1, 1] without wrapping or hard clipping (Janus
// casts its int32 sum to int16, which wraps; a hard clip is a square-wave buzz). One per mix
// stream (shared or N-1), owned by that stream in ChannelMix; engine thread. Copyable: an N-1
// stream starts as a copy of the shared one, limiter state included, so the switch is seamless.
//
// Two stages. A gain stage works in 2.5 ms blocks and looks one block ahead (the whole 20 ms
// frame is at hand): when a block would exceed `threshold` the gain is already down when it
// starts (ramped over the block before: no step), and it recovers slowly
// (`release_db_per_frame`, ~15 dB/s) so loud passages are not pumped. What still passes above
// `knee` (the first block of a frame that is suddenly loud) is bent by a rational curve that
// approaches 1 but has no flat top. So the output is always strictly within (-1, 1); a
// non-finite input sample becomes 0.
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
