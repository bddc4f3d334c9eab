#include "tests/load/speaker_signals.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace plenum::load {
namespace {

constexpr double kLowestHz = 300;
constexpr double kHighestHz = 3600;
constexpr double kOnsetGuardHz = 150;
constexpr double kCarrierGuardHz = 75;
constexpr double kSpreadBelowOnsetDb = 6;

bool usable(double hz) {
  return std::abs(hz - kOnsetHz) >= kOnsetGuardHz && std::abs(hz - kOnsetCarrierHz) >= kCarrierGuardHz;
}

// `count` integer frequencies in [kLowestHz, kHighestHz], none in a guard band, evenly spaced.
std::vector<double> spread_frequencies(std::size_t count) {
  std::vector<double> out;
  if (count == 0) {
    return out;
  }
  const double usable_width = (kHighestHz - kLowestHz) - 2 * kOnsetGuardHz - 2 * kCarrierGuardHz;
  double step = count > 1 ? std::floor(usable_width / static_cast<double>(count)) : 200;
  step = std::clamp(step, 1.0, 200.0);
  for (double hz = kLowestHz; out.size() < count; hz += step) {
    if (hz > kHighestHz) {
      // More speakers than distinct tones fit: wrap around, half a step off.
      hz = kLowestHz + step / 2;
    }
    if (usable(hz)) {
      out.push_back(std::round(hz));
    }
  }
  return out;
}

double amplitude(double dbfs) { return std::pow(10.0, dbfs / 20.0); }

void add_tone(std::vector<float>& pcm, std::size_t from, std::size_t to, double hz, double dbfs) {
  const double a = amplitude(dbfs);
  const double w = 2 * std::numbers::pi * hz / protocol::codec::kSampleRate;
  for (std::size_t i = from; i < to; ++i) {
    pcm[i] += static_cast<float>(a * std::sin(w * static_cast<double>(i)));
  }
}

}  // namespace

std::vector<SignalSpec> layout_signals(const SignalLayout& layout) {
  std::vector<SignalSpec> specs(layout.speakers);
  const std::uint32_t noise = std::min(layout.noise_speakers, layout.speakers);
  const std::uint32_t voiced = layout.speakers - noise;
  const std::uint32_t first_tone = layout.onset && voiced > 0 ? 1 : 0;
  const std::uint32_t tones = voiced - first_tone;
  const auto frequencies = spread_frequencies(tones);
  const double top = first_tone == 1 ? layout.loudest_dbfs - kSpreadBelowOnsetDb : layout.loudest_dbfs;
  for (std::uint32_t k = 0; k < layout.speakers; ++k) {
    SignalSpec& spec = specs[k];
    if (k >= voiced) {
      spec = {SignalSpec::Kind::Noise, 0, layout.noise_dbfs};
    } else if (k < first_tone) {
      spec = {SignalSpec::Kind::Onset, layout.onset_silent ? 0 : kOnsetCarrierHz, layout.loudest_dbfs};
    } else {
      const std::uint32_t t = k - first_tone;
      const double share = tones > 1 ? static_cast<double>(t) / (tones - 1) : 0.0;
      spec = {SignalSpec::Kind::Tone, frequencies[t], top + (layout.quietest_dbfs - top) * share};
    }
  }
  return specs;
}

std::vector<double> detectable_frequencies(const std::vector<SignalSpec>& specs) {
  std::vector<double> out;
  out.reserve(specs.size());
  for (const SignalSpec& spec : specs) {
    out.push_back(spec.kind == SignalSpec::Kind::Noise   ? 0.0
                  : spec.kind == SignalSpec::Kind::Onset ? kOnsetHz
                                                         : spec.frequency_hz);
  }
  return out;
}

std::vector<float> signal_loop(const SignalSpec& spec, std::uint32_t seed) {
  constexpr std::size_t kFrame = protocol::codec::kFrameSamples;
  const std::size_t frames = spec.kind == SignalSpec::Kind::Onset ? kOnsetLoopFrames : kToneLoopFrames;
  std::vector<float> pcm(frames * kFrame, 0.0F);
  switch (spec.kind) {
    case SignalSpec::Kind::Tone:
      add_tone(pcm, 0, pcm.size(), spec.frequency_hz, spec.level_dbfs);
      break;
    case SignalSpec::Kind::Onset:
      if (spec.frequency_hz > 0) {
        add_tone(pcm, 0, kOnsetFrame * kFrame, spec.frequency_hz, spec.level_dbfs);
      }
      add_tone(pcm, kOnsetFrame * kFrame, pcm.size(), kOnsetHz, spec.level_dbfs);
      break;
    case SignalSpec::Kind::Noise: {
      // White noise, uniform in [-a√3, a√3] so its RMS is the level; a 32-bit LCG is plenty.
      const double a = amplitude(spec.level_dbfs) * std::sqrt(3.0);
      std::uint32_t state = 0x9E3779B9U ^ (seed * 2654435761U);
      for (float& sample : pcm) {
        state = state * 1664525U + 1013904223U;
        const double unit = static_cast<double>(state >> 8) / static_cast<double>(1U << 24);
        sample = static_cast<float>(a * (2 * unit - 1));
      }
      break;
    }
  }
  return pcm;
}

}  // namespace plenum::load
