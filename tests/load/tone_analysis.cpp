#include "tests/load/tone_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace plenum::load {
namespace {

constexpr double kSampleRate = 48000;
constexpr double kSilenceDbfs = -120;
constexpr std::size_t kFrameSamples = 960;  // 20 ms

double to_db(double amplitude) {
  return amplitude > 1e-6 ? 20 * std::log10(amplitude) : kSilenceDbfs;
}

// Goertzel's recurrence for |X(hz)|, normalised so a sine of amplitude a (through `window`)
// gives a.
double tone_amplitude(std::span<const float> pcm, double hz, std::span<const float> window) {
  const double w = 2 * std::numbers::pi * hz / kSampleRate;
  const double coefficient = 2 * std::cos(w);
  double s1 = 0, s2 = 0, gain = 0;
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const double weight = window.empty() ? 1.0 : window[i];
    const double s0 = pcm[i] * weight + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    gain += weight;
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return gain > 0 ? 2 * std::sqrt(std::max(0.0, power)) / gain : 0.0;
}

}  // namespace

double rms_dbfs(std::span<const float> pcm) noexcept {
  double sum = 0;
  for (const float s : pcm) {
    sum += static_cast<double>(s) * s;
  }
  return pcm.empty() ? kSilenceDbfs : to_db(std::sqrt(sum / static_cast<double>(pcm.size())));
}

double tone_dbfs(std::span<const float> pcm, double hz, std::span<const float> window) noexcept {
  if (!window.empty() && window.size() != pcm.size()) {
    return kSilenceDbfs;
  }
  return to_db(tone_amplitude(pcm, hz, window));
}

ToneSurvey::ToneSurvey(std::vector<double> frequencies_hz)
    : frequencies_(std::move(frequencies_hz)), window_(kBlockSamples), power_(frequencies_.size(), 0.0) {
  for (std::size_t i = 0; i < kBlockSamples; ++i) {
    window_[i] = static_cast<float>(
        0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / (kBlockSamples - 1)));
  }
  block_.reserve(kBlockSamples);
}

void ToneSurvey::add(std::span<const float> pcm) {
  for (const float sample : pcm) {
    block_.push_back(sample);
    if (block_.size() == kBlockSamples) {
      analyse_block();
      block_.clear();
    }
  }
}

void ToneSurvey::analyse_block() {
  for (std::size_t f = 0; f < frequencies_.size(); ++f) {
    if (frequencies_[f] > 0) {
      const double a = tone_amplitude(block_, frequencies_[f], window_);
      power_[f] += a * a;
    }
  }
  ++blocks_;
}

std::vector<double> ToneSurvey::levels_dbfs() const {
  std::vector<double> out(frequencies_.size(), kSilenceDbfs);
  if (blocks_ == 0) {
    return out;
  }
  for (std::size_t f = 0; f < frequencies_.size(); ++f) {
    out[f] = frequencies_[f] > 0 ? to_db(std::sqrt(power_[f] / static_cast<double>(blocks_))) : kSilenceDbfs;
  }
  return out;
}

std::vector<bool> ToneSurvey::present() const {
  const std::vector<double> levels = levels_dbfs();
  const double strongest = levels.empty() ? kSilenceDbfs : *std::max_element(levels.begin(), levels.end());
  std::vector<bool> out(levels.size(), false);
  for (std::size_t f = 0; f < levels.size(); ++f) {
    out[f] = frequencies_[f] > 0 && levels[f] > kFloorDbfs && levels[f] >= strongest - kPresenceMarginDb;
  }
  return out;
}

OnsetDetector::OnsetDetector(double hz) : hz_(hz), window_(kFrameSamples) {
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    window_[i] = static_cast<float>(
        0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / (kFrameSamples - 1)));
  }
}

bool OnsetDetector::add(std::span<const float> frame) noexcept {
  if (frame.size() != kFrameSamples) {
    return false;
  }
  const double level = tone_dbfs(frame, hz_, window_);
  const double loud_line = std::max(kLoudFloorDbfs, burst_peak_dbfs_ - kLoudBelowBurstDb);
  if (level < loud_line) {
    // Quiet, or a codec spike well under a burst: the quiet stretch goes on.
    quiet_sum_db_ += level;
    ++quiet_frames_;
    return false;
  }
  const bool fired = quiet_frames_ >= kQuietFrames &&
                     level >= quiet_sum_db_ / static_cast<double>(quiet_frames_) + kRiseDb;
  burst_peak_dbfs_ = std::max(burst_peak_dbfs_, level);
  quiet_frames_ = 0;
  quiet_sum_db_ = 0;
  return fired;
}

}  // namespace plenum::load
