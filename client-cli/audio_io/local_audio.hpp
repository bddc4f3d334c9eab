// LocalAudio: this client's own sound, set up the same way for the TUI and the headless client:
// what it says (a --play file, else the microphone), whether that is speech (the VAD in
// --transmit vad), and where what it hears goes (a --record file, else the speaker). Owned by
// the app; its 20 ms clock calls it on the io_context thread.
#pragma once

#include "client-cli/audio_io/audio_device.hpp"
#include "client-cli/audio_io/voice_activity.hpp"
#include "client-cli/audio_io/wav_file.hpp"
#include "client-cli/core/cli_options.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace plenum::client {

struct LocalAudioConfig {
  std::optional<std::filesystem::path> play;
  std::optional<std::filesystem::path> record;
  TransmitMode transmit = TransmitMode::Continuous;
  AudioBackend audio = AudioBackend::None;
};

class LocalAudio {
 public:
  // Reads --play (resampled to 48 kHz mono) and creates --record: throws std::runtime_error.
  // Opens the sound device for whichever side has no file; a missing sound server is not an
  // error (device_error() says why there is none).
  explicit LocalAudio(const LocalAudioConfig& config);

  bool has_play() const noexcept { return !play_.empty(); }
  bool has_device() const noexcept { return device_ != nullptr; }
  bool recording() const noexcept { return recorder_.has_value(); }
  // Why there is no device although one was asked for; empty otherwise.
  const std::string& device_error() const noexcept { return device_error_; }
  // The device's failure, once: the device is then closed and the client runs on without it.
  std::optional<std::string> take_device_failure();

  // Fills `frame` with the next part of --play, zero-padded at the end; `loop` starts over at
  // the end, otherwise returns false once the file is used up. Sets `last` on its final frame.
  bool next_play_frame(std::span<float> frame, bool loop, bool& last);
  // The next microphone frame; false when there is no device or no new frame.
  bool capture(std::span<float> frame);
  // The VAD's verdict in --transmit vad; always speech otherwise.
  bool is_speech(std::span<const float> frame);
  // What was heard this tick, to the --record file or else the speaker.
  void output(std::span<const float> mix);
  // Finishes the --record file (its header holds the length).
  void close_recording();

 private:
  std::vector<float> play_;
  std::size_t play_position_ = 0;
  std::optional<WavWriter> recorder_;
  std::optional<VoiceActivityDetector> vad_;
  std::unique_ptr<AudioDevice> device_;
  std::string device_error_;
};

}  // namespace plenum::client
