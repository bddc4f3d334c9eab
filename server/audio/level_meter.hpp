// rms_dbfs: the level of a block of samples, as the gate, the selector and the mixer measure it.
// A pure function of its argument; any thread.
//
// 0 dBFS is the RMS of a full-scale square wave (every sample at ±1.0), so a full-scale sine
// reads -3.01 dBFS. tests/support/test_audio's tone() uses the same reference.
#pragma once

#include <span>

namespace plenum::server::audio {

// What digital silence (and anything quieter) reads: far below any microphone's noise.
inline constexpr float kSilenceDbfs = -120.0F;

// RMS level of pcm in dBFS, never below kSilenceDbfs (an empty span reads kSilenceDbfs).
float rms_dbfs(std::span<const float> pcm) noexcept;

}  // namespace plenum::server::audio
