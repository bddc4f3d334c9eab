// NoiseFloor: one speaker's background level, a slow minimum tracker over the per-frame levels:
// it falls fast to a quieter frame and rises slowly, so the pauses between words pin it to the
// room's noise while a fan or street noise that stays on is learnt within seconds and stops
// holding the gate open. Owned by that speaker's SpeakerInput (engine thread); the time step is
// passed in, so tests drive it with synthetic levels.
#pragma once

#include <chrono>

namespace plenum::server::audio {

struct NoiseFloorTuning {
  // Before the first frame: a quiet room through a typical headset. The floor is not set from
  // the first frame, because a client in voice-activation mode starts its transmission with
  // speech, and a floor at the speech level would close the gate on its first words.
  float initial_dbfs = -60.0F;
  // Falling: one-pole towards a quieter level, the louder of the last two frames' levels, so one
  // odd quiet frame (a glitch, a dropout) does not move it at all. 100 ms covers 86 % of a step
  // within a 200 ms pause between words.
  std::chrono::milliseconds fall_time{100};
  // Rising: one-pole (in dB) towards a louder level. A steady noise 25 dB above the old floor
  // is under the 10 dB gate margin after rise_time·ln 2.5 = 2.7 s (a noise-only microphone is
  // gated from about 3 s, hangover included); 2 s of speech 30 dB above the floor without one
  // pause lifts the floor about 15 dB, which still leaves the speech 5 dB above the threshold.
  // A steady tone counts as noise too: test talkers send tone bursts (test_audio's tone_bursts).
  std::chrono::milliseconds rise_time{3000};
};

class NoiseFloor {
 public:
  explicit NoiseFloor(const NoiseFloorTuning& tuning = {}) noexcept;

  // Feeds the level of the next `step` of audio (a frame decoded from a packet: concealment
  // and silence say nothing about the room) and returns the new floor.
  float update(float level_dbfs, std::chrono::milliseconds step) noexcept;
  float dbfs() const noexcept { return floor_dbfs_; }

 private:
  NoiseFloorTuning tuning_;
  float floor_dbfs_;
  float last_level_dbfs_;
};

}  // namespace plenum::server::audio
