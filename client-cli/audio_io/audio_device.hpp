// AudioDevice: a live microphone and speaker (48 kHz mono, 20 ms frames) for plenum-cli, fed
// and drained by the client's 20 ms clock on its io_context thread. Implementations keep their
// blocking device I/O on their own threads behind FrameQueues, so neither call blocks.
#pragma once

#include "client-cli/core/cli_options.hpp"

#include <memory>
#include <span>
#include <string>

namespace plenum::client {

class AudioDevice {
 public:
  virtual ~AudioDevice() = default;
  // The oldest captured frame not yet taken; false (frame untouched) when none is waiting.
  virtual bool capture(std::span<float> frame) = 0;
  // Queues one frame for the speaker.
  virtual void play(std::span<const float> frame) = 0;
  // Empty while the device works; otherwise one line saying why it stopped.
  virtual std::string failure() const = 0;
};

// Result of opening a device: the device, or a one-line reason why there is none.
struct AudioOpen {
  std::unique_ptr<AudioDevice> device;
  std::string error;
};

// Opens the backend's default microphone and speaker; `application` names the client to the
// sound server. Never throws for a missing sound server: the error says what happened.
AudioOpen open_audio_device(AudioBackend backend, const std::string& application);

}  // namespace plenum::client
