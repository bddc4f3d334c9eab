// PushToTalkSwitch: whether one engine channel asks for push-to-talk right now, from its
// transmit policy and how many microphones are open at once. Owned by AudioEngine (one per
// channel); engine thread.
//
// `ptt`: always on. `any`, `vad`: always off. `auto`: on once more than `threshold` speakers
// have been transmitting at once for `on_after` (1 s: one burst of crosstalk is not a room full
// of open microphones); off again once at most threshold / 2 have been transmitting for
// `off_after` (30 s). The gap between the two counts and the long quiet spell are the
// hysteresis: switching clients back and forth every few seconds would be worse than either.
#pragma once

#include "server/audio/engine_frames.hpp"

#include <chrono>
#include <cstddef>
#include <optional>

namespace plenum::server::audio {

struct PushToTalkTuning {
  std::chrono::milliseconds on_after{1000};
  std::chrono::milliseconds off_after{30000};
};

class PushToTalkSwitch {
 public:
  explicit PushToTalkSwitch(const PushToTalkTuning& tuning = {}) : tuning_(tuning) {}

  // One tick; `transmitting`: the channel's speakers with an active stream. Returns true when
  // the state changed in this tick.
  bool update(TransmitPolicy policy, std::uint32_t threshold, std::size_t transmitting,
              Clock::time_point now);
  bool on() const noexcept { return on_; }

 private:
  PushToTalkTuning tuning_;
  bool on_ = false;
  std::optional<Clock::time_point> crowded_since_;
  std::optional<Clock::time_point> quiet_since_;
};

}  // namespace plenum::server::audio
