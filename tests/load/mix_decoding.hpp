// MixDecoding: a sampled mix listener decodes the virtual user's stream (in arrival order, no
// jitter buffer: what matters is which tones it holds and when a marked onset shows) to give
// its level, its tones and the onsets it saw. Owned by that listener's LoadClient, on the
// generator's thread. Only a few listeners decode, to keep the generator's CPU low.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/codec/opus_codec.hpp"
#include "tests/load/tone_analysis.hpp"

#include <cstdint>
#include <vector>

namespace plenum::load {

class MixDecoding {
 public:
  // frequencies: each speaker's detectable tone (0: none); onset_hz: the marked bursts' tone.
  MixDecoding(std::vector<double> frequencies, double onset_hz);

  // One mix packet. `measuring`: inside the window, so its audio counts for level and tones.
  // Returns true when a marked onset starts in this packet's audio.
  bool add(protocol::ByteView opus, bool measuring);

  double level_dbfs() const noexcept;  // RMS over the measured audio
  const ToneSurvey& survey() const noexcept { return survey_; }
  std::uint64_t undecodable() const noexcept { return undecodable_; }

 private:
  protocol::codec::OpusVoiceDecoder decoder_;
  ToneSurvey survey_;
  OnsetDetector onset_;
  std::vector<float> pcm_;
  double energy_ = 0;
  std::uint64_t samples_ = 0;
  std::uint64_t undecodable_ = 0;
};

}  // namespace plenum::load
