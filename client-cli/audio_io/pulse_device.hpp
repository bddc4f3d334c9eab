// PulseAudioDevice: AudioDevice over PulseAudio's simple API (blocking pa_simple streams), one
// record and one playback stream with a thread each. The sound server comes from the usual
// PULSE_SERVER / PULSE_SOURCE / PULSE_SINK environment. Built only when libpulse-simple exists.
#pragma once

#include "client-cli/audio_io/audio_device.hpp"

namespace plenum::client {

// Connects both streams; nullptr and a reason when the sound server cannot be reached.
AudioOpen open_pulse_device(const std::string& application);

}  // namespace plenum::client
