// VoiceGate: whether a speaker's audio counts as speech: open while the level reaches the
// threshold, held open for a hangover after it falls below (so the quiet ends of words and the
// short pauses between them are not cut), then closed. Owned by that speaker's SpeakerInput
// (engine thread); the threshold and the time step are passed in, so tests drive it by hand.
#pragma once

#include <chrono>

namespace plenum::server::audio {

class VoiceGate {
 public:
  explicit VoiceGate(std::chrono::milliseconds hangover) noexcept : hangover_(hangover) {}

  // The next `step` of audio at level_dbfs against threshold_dbfs; returns whether the gate is
  // open for it. A level at the threshold opens it.
  bool update(float level_dbfs, float threshold_dbfs, std::chrono::milliseconds step) noexcept;
  // No audio (the speaker stopped): closed at once, no hangover for nothing.
  void close() noexcept;
  bool open() const noexcept { return open_; }

 private:
  std::chrono::milliseconds hangover_;
  std::chrono::milliseconds below_{0};  // open: how long the level has been below the threshold
  bool open_ = false;
};

}  // namespace plenum::server::audio
