#include "client-cli/audio_io/local_audio.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <algorithm>

namespace plenum::client {

LocalAudio::LocalAudio(const LocalAudioConfig& config) {
  if (config.play) {
    play_ = read_audio_mono48k(*config.play);
  }
  if (config.record) {
    recorder_.emplace(*config.record);
  }
  if (config.transmit == TransmitMode::VoiceActivity) {
    vad_.emplace(protocol::codec::kFrameSamples, protocol::codec::kSampleRate);
  }
  if (config.audio != AudioBackend::None && (!config.play || !config.record)) {
    AudioOpen opened = open_audio_device(config.audio, "plenum-cli");
    device_ = std::move(opened.device);
    device_error_ = std::move(opened.error);
  }
}

std::optional<std::string> LocalAudio::take_device_failure() {
  if (!device_ || device_->failure().empty()) {
    return std::nullopt;
  }
  std::string failure = device_->failure();
  device_.reset();
  return failure;
}

bool LocalAudio::next_play_frame(std::span<float> frame, bool loop, bool& last) {
  last = false;
  if (play_.empty() || (!loop && play_position_ >= play_.size())) {
    return false;
  }
  std::fill(frame.begin(), frame.end(), 0.0F);
  for (float& sample : frame) {
    if (play_position_ >= play_.size()) {
      if (!loop) {
        break;
      }
      play_position_ = 0;
    }
    sample = play_[play_position_++];
  }
  last = !loop && play_position_ >= play_.size();
  return true;
}

bool LocalAudio::capture(std::span<float> frame) {
  return device_ && device_->capture(frame);
}

bool LocalAudio::is_speech(std::span<const float> frame) {
  return !vad_ || vad_->process(frame);
}

void LocalAudio::output(std::span<const float> mix) {
  if (recorder_) {
    recorder_->write(mix);
  } else if (device_) {
    device_->play(mix);
  }
}

void LocalAudio::close_recording() {
  if (recorder_) {
    recorder_->close();
  }
}

}  // namespace plenum::client
