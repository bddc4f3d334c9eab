// Tone analysis of decoded audio: the level of a block, the amplitude of one frequency in it
// (Goertzel), and ToneSurvey, which sums a stream's power at each speaker's tone frequency
// over a whole measurement to say which tones it holds. A ToneSurvey belongs to one sampled
// mix listener's ListenerStats, on the generator's thread; the functions are pure.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace plenum::load {

// RMS level in dBFS (20 log10 rms; -120 for silence).
double rms_dbfs(std::span<const float> pcm) noexcept;

// Amplitude of `hz` in `pcm` at 48 kHz in dBFS, with a full-scale sine reading 0 dBFS.
// `window` (same length as pcm, or empty for none) weights the samples first.
double tone_dbfs(std::span<const float> pcm, double hz, std::span<const float> window = {}) noexcept;

class ToneSurvey {
 public:
  // 200 ms Hann-windowed blocks: 5 Hz resolution, and leakage from a tone 20+ Hz away is
  // far below the presence margin.
  static constexpr std::size_t kBlockSamples = 9600;
  // A tone is present when its power is within this of the strongest surveyed tone's and
  // above kFloorDbfs. A top-k mix levels its selected speakers, so those land within a few dB
  // of each other; an unmixed speaker leaves only codec noise, 30+ dB down.
  static constexpr double kPresenceMarginDb = 20;
  static constexpr double kFloorDbfs = -70;

  explicit ToneSurvey(std::vector<double> frequencies_hz);  // 0 entries: not surveyed

  void add(std::span<const float> pcm);

  std::size_t blocks() const noexcept { return blocks_; }
  // Mean amplitude in dBFS per frequency over the blocks so far (-120 before any).
  std::vector<double> levels_dbfs() const;
  // Per frequency: present by the rule above.
  std::vector<bool> present() const;

 private:
  void analyse_block();

  std::vector<double> frequencies_;
  std::vector<float> window_;
  std::vector<float> block_;
  std::vector<double> power_;  // summed squared amplitudes
  std::size_t blocks_ = 0;
};

// OnsetDetector: the first 20 ms frame of a decoded stream in which a burst at one frequency
// starts. Each frame is Hann-windowed (a rectangular window leaks other mixed tones 150 Hz away
// at only ~20 dB down). A frame is loud at or above max(kLoudFloorDbfs, the loudest burst so
// far - kLoudBelowBurstDb); the frames between loud ones are the quiet stretch (the codec's
// occasional spikes 15-20 dB under a burst stay in it). The detector fires on a loud frame after
// at least kQuietFrames quiet ones that is kRiseDb above their mean. The window weighs a frame's
// edges less: an onset in a frame's last quarter may only be seen in the next frame, so a
// latency reads up to 20 ms high, never low.
class OnsetDetector {
 public:
  static constexpr std::size_t kQuietFrames = 10;
  static constexpr double kRiseDb = 15;
  static constexpr double kLoudFloorDbfs = -40;
  static constexpr double kLoudBelowBurstDb = 20;

  explicit OnsetDetector(double hz);

  // One decoded 20 ms frame (960 samples; other sizes are ignored); true when the onset is in it.
  bool add(std::span<const float> frame) noexcept;

 private:
  double hz_;
  std::vector<float> window_;
  std::size_t quiet_frames_ = 0;
  double quiet_sum_db_ = 0;
  double burst_peak_dbfs_ = -120;
};

}  // namespace plenum::load
