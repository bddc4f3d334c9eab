#include "client-cli/audio_io/voice_activity.hpp"

#include <speex/speex_preprocess.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace plenum::client {

VoiceActivityDetector::VoiceActivityDetector(std::size_t frame_samples, int rate,
                                             std::chrono::milliseconds hold)
    : frame_samples_(frame_samples),
      scratch_(frame_samples) {
  const auto frame_ms = static_cast<long>(frame_samples) * 1000 / rate;
  hold_frames_ = static_cast<unsigned>(std::max<long>(hold.count() / std::max<long>(frame_ms, 1), 0));
  frames_since_speech_ = hold_frames_ + 1;
  state_ = speex_preprocess_state_init(static_cast<int>(frame_samples), rate);
  if (state_ == nullptr) {
    throw std::runtime_error("cannot create the SpeexDSP preprocessor");
  }
  int on = 1;
  int off = 0;
  speex_preprocess_ctl(state_, SPEEX_PREPROCESS_SET_VAD, &on);
  // Only the decision is used; the audio itself is sent untouched.
  speex_preprocess_ctl(state_, SPEEX_PREPROCESS_SET_DENOISE, &off);
  speex_preprocess_ctl(state_, SPEEX_PREPROCESS_SET_AGC, &off);
}

VoiceActivityDetector::~VoiceActivityDetector() { speex_preprocess_state_destroy(state_); }

bool VoiceActivityDetector::process(std::span<const float> frame) {
  const std::size_t n = std::min(frame.size(), frame_samples_);
  std::fill(scratch_.begin(), scratch_.end(), std::int16_t{0});
  for (std::size_t i = 0; i < n; ++i) {
    scratch_[i] = static_cast<std::int16_t>(std::lround(std::clamp(frame[i], -1.0F, 1.0F) * 32767.0F));
  }
  const bool speech = speex_preprocess_run(state_, scratch_.data()) != 0;
  frames_since_speech_ = speech ? 0 : std::min(frames_since_speech_ + 1, hold_frames_ + 1);
  return frames_since_speech_ <= hold_frames_;
}

}  // namespace plenum::client
