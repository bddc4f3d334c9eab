// LoudnessNormalizer: brings one selected speaker to a common loudness before mixing, so a
// headset and a laptop across the room (20 dB apart) are heard alike. One per selected speaker,
// owned by its channel's ChannelMix; engine thread. Only the k selected have one: O(k) cost.
//
// Measure: EBU R128 momentary loudness (400 ms, K-weighted) from Debian's libebur128, the
// broadcast standard for "how loud does this sound", rather than raw RMS, which ranks a bassy
// headset louder than it sounds. It is fed only speech frames (gate open and the level at least
// `speech_margin_db` above the speaker's own noise floor), so pauses and noise do not pull it.
//
// Gain: moves toward target − loudness, slowly (down 1 dB per frame so a shout is tamed in a
// fraction of a second, up 0.1 dB per frame: 5 dB/s, so no pumping within a sentence), clamped
// to [min_gain_db, max_gain_db] (a +12 dB ceiling: a whisper far from the microphone is helped,
// the room's noise is never made loud). It is learned only from speech; on frames that are not
// speech (pauses inside the gate's hangover, noise) the applied gain is at most 0 dB, so noise
// is never amplified. Gain changes are ramped across the frame, so there is no zipper noise.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace plenum::server::audio {

struct LoudnessTuning {
  float target_lufs = -23.0F;      // EBU R128's programme target; leaves headroom for k voices
  float max_gain_db = 12.0F;
  float min_gain_db = -20.0F;
  float speech_margin_db = 10.0F;  // above the noise floor to count as speech
  float gain_up_db_per_frame = 0.1F;
  float gain_down_db_per_frame = 1.0F;
  // Frames of speech before the meter is trusted (its 400 ms window must be full).
  std::size_t warmup_frames = 20;
  // A short hold after the last speech frame, so the low tail of a word keeps the speech gain.
  std::size_t speech_hold_frames = 10;
};

// What the normaliser needs from a speaker's decoded frame.
struct LoudnessInput {
  std::span<const float> pcm;  // kFrameSamples
  bool gate_open = false;
  float level_dbfs = -120.0F;
  float noise_floor_dbfs = -120.0F;
};

class LoudnessNormalizer {
 public:
  explicit LoudnessNormalizer(const LoudnessTuning& tuning = {});
  ~LoudnessNormalizer();
  LoudnessNormalizer(LoudnessNormalizer&&) noexcept;
  LoudnessNormalizer& operator=(LoudnessNormalizer&&) noexcept;
  LoudnessNormalizer(const LoudnessNormalizer&) = delete;
  LoudnessNormalizer& operator=(const LoudnessNormalizer&) = delete;

  // Writes input.pcm with this frame's gain into out (same size).
  void process(const LoudnessInput& input, std::span<float> out) noexcept;

  float speech_gain_db() const noexcept { return speech_gain_db_; }
  float applied_gain_db() const noexcept { return applied_gain_db_; }

 private:
  struct Meter;
  bool is_speech(const LoudnessInput& input) noexcept;
  void learn(std::span<const float> pcm) noexcept;

  LoudnessTuning tuning_;
  std::unique_ptr<Meter> meter_;
  float speech_gain_db_ = 0.0F;   // learned from speech
  float applied_gain_db_ = 0.0F;  // used on the last frame (the ramp's start)
  std::size_t speech_frames_ = 0;
  std::size_t since_speech_ = 1000;
};

}  // namespace plenum::server::audio
