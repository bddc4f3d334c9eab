#include "client-cli/audio_io/audio_device.hpp"

#include "client-cli/audio_io/pulse_device.hpp"

namespace plenum::client {

AudioOpen open_audio_device(AudioBackend backend, const std::string& application) {
  if (backend == AudioBackend::None) {
    return {nullptr, "audio disabled (--audio none)"};
  }
  return open_pulse_device(application);
}

}  // namespace plenum::client
