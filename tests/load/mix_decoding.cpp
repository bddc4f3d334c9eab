#include "tests/load/mix_decoding.hpp"

#include <cmath>
#include <span>

namespace plenum::load {

MixDecoding::MixDecoding(std::vector<double> frequencies, double onset_hz)
    : survey_(std::move(frequencies)), onset_(onset_hz), pcm_(protocol::codec::kMaxFrameSamples) {}

bool MixDecoding::add(protocol::ByteView opus, bool measuring) {
  const std::size_t samples = decoder_.decode(opus, pcm_);
  if (samples == 0) {
    ++undecodable_;
    return false;
  }
  const std::span<const float> audio(pcm_.data(), samples);
  if (measuring) {
    for (const float s : audio) {
      energy_ += static_cast<double>(s) * s;
    }
    samples_ += samples;
    survey_.add(audio);
  }
  bool onset = false;
  for (std::size_t at = 0; at + protocol::codec::kFrameSamples <= samples;
       at += protocol::codec::kFrameSamples) {
    onset = onset_.add(audio.subspan(at, protocol::codec::kFrameSamples)) || onset;
  }
  return onset;
}

double MixDecoding::level_dbfs() const noexcept {
  if (samples_ == 0 || energy_ <= 0) {
    return -120;
  }
  return 10 * std::log10(energy_ / static_cast<double>(samples_));
}

}  // namespace plenum::load
