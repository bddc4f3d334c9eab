// Test signals for the audio engine's mix-half tests: tones and noise at an RMS level, a tone
// detector, 20 ms Opus packets. Header only; pure functions, any thread.
// Levels are RMS dBFS (0 dBFS = a full-scale square wave), as server/audio/level_meter measures.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/codec/opus_codec.hpp"

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <vector>

namespace plenum::server::audio::signals {

inline constexpr double kRate = 48000.0;

// A sine at `hz` whose RMS level is `dbfs`.
inline std::vector<float> tone(double hz, double dbfs, std::size_t samples) {
  const double amplitude = std::sqrt(2.0) * std::pow(10.0, dbfs / 20.0);
  std::vector<float> out(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    out[i] = static_cast<float>(amplitude *
                                std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / kRate));
  }
  return out;
}

// Uniform white noise at an RMS level; deterministic per seed.
inline std::vector<float> white_noise(double dbfs, std::size_t samples, std::uint32_t seed = 1) {
  const double peak = std::sqrt(3.0) * std::pow(10.0, dbfs / 20.0);
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> uniform(-peak, peak);
  std::vector<float> out(samples);
  for (float& s : out) {
    s = static_cast<float>(uniform(random));
  }
  return out;
}

// The RMS level (dBFS) of pcm's component at `hz`: a Goertzel-style correlation over a Hann
// window, so neighbouring tones and a tone between bins read correctly.
inline double tone_power(std::span<const float> pcm, double hz) {
  std::complex<double> sum{};
  double window_sum = 0.0;
  const auto n = static_cast<double>(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(i);
    const double w = 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * t / (n - 1.0)));
    sum += static_cast<double>(pcm[i]) * w * std::polar(1.0, -2.0 * std::numbers::pi * hz * t / kRate);
    window_sum += w;
  }
  const double amplitude = 2.0 * std::abs(sum) / window_sum;
  return 20.0 * std::log10(std::max(amplitude / std::sqrt(2.0), 1e-12));
}

// pcm as 20 ms Opus packets (protocol/codec's OpusVoiceEncoder, as a Mumble client sends).
inline std::vector<protocol::Bytes> encode_opus(std::span<const float> pcm, int bitrate_bps = 32000) {
  using protocol::codec::kFrameSamples;
  protocol::codec::OpusVoiceEncoder encoder(bitrate_bps);
  std::vector<protocol::Bytes> packets;
  for (std::size_t at = 0; at + kFrameSamples <= pcm.size(); at += kFrameSamples) {
    protocol::Bytes packet(1275);
    packet.resize(encoder.encode(pcm.subspan(at, kFrameSamples), packet));
    packets.push_back(std::move(packet));
  }
  return packets;
}

}  // namespace plenum::server::audio::signals
