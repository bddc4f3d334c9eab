// Mixer: sums one channel's selected, normalised speakers into the shared bus and derives each
// N-1 mix (the bus without one speaker), Janus' mix-minus arithmetic in float: the sum has all
// the headroom it needs and each output's SoftLimiter brings it back inside [-1, 1]. Priority
// speakers duck the others by `duck_db` while they talk (ramped, no step). One per ChannelMix;
// engine thread.
#pragma once

#include "protocol/codec/opus_codec.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/audio/soft_limiter.hpp"

#include <array>
#include <span>
#include <vector>

namespace plenum::server::audio {

using protocol::codec::kFrameSamples;
using PcmFrame = std::array<float, kFrameSamples>;

struct MixInput {
  SessionId speaker = 0;
  std::span<const float> pcm;  // kFrameSamples, already at the common loudness
  bool priority = false;       // ducks the others
};

class Mixer {
 public:
  explicit Mixer(float duck_db = -12.0F);

  // This tick's inputs (at most kMaxSelected; more are ignored).
  void sum(std::span<const MixInput> inputs) noexcept;
  // The shared mix through `limiter` into out (kFrameSamples).
  void shared(SoftLimiter& limiter, std::span<float> out) const noexcept;
  // The mix without `speaker` through `limiter` into out; the shared mix if it is not an input.
  void without(SessionId speaker, SoftLimiter& limiter, std::span<float> out) const noexcept;

  std::size_t inputs() const noexcept { return count_; }
  float duck_gain() const noexcept { return duck_gain_; }

 private:
  float duck_;             // linear gain for ducked speakers
  float duck_gain_ = 1.0F; // the gain non-priority speakers had at the end of the last frame
  PcmFrame bus_{};
  std::vector<PcmFrame> weighted_;                 // each input as it went into the bus
  std::array<SessionId, kMaxSelected> speakers_{};
  std::size_t count_ = 0;
  mutable PcmFrame scratch_{};
};

}  // namespace plenum::server::audio
