// VoiceActivityDetector: decides per 20 ms frame whether the user is speaking, for
// --transmit vad. SpeexDSP's preprocessor VAD, plus a hold time so that transmission does not
// chop the ends of words. Owned by the sending side, on its executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

struct SpeexPreprocessState_;

namespace plenum::client {

class VoiceActivityDetector {
 public:
  // frame_samples at `rate` per call; speech keeps the gate open for `hold` afterwards.
  explicit VoiceActivityDetector(std::size_t frame_samples = 960, int rate = 48000,
                                 std::chrono::milliseconds hold = std::chrono::milliseconds(300));
  ~VoiceActivityDetector();
  VoiceActivityDetector(const VoiceActivityDetector&) = delete;
  VoiceActivityDetector& operator=(const VoiceActivityDetector&) = delete;

  // True while the frame is speech or speech was heard less than `hold` ago.
  bool process(std::span<const float> frame);

 private:
  SpeexPreprocessState_* state_ = nullptr;
  std::size_t frame_samples_;
  unsigned hold_frames_;
  unsigned frames_since_speech_;
  std::vector<std::int16_t> scratch_;
};

}  // namespace plenum::client
