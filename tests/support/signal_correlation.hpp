// Audio checks for tests that send sound through a server: a speech-like test signal and the
// normalized cross-correlation of a recording against what was played. Pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace plenum::test {

// A deterministic voiced, speech-like signal at `rate`: harmonics of a gliding fundamental
// (110-220 Hz), a falling spectral tilt, syllables at about 4 Hz and short pauses; peak 0.5.
std::vector<float> speech_like_signal(double seconds, int rate = 48000);

struct Correlation {
  double value = 0.0;   // normalized cross-correlation at the best lag, -1..1
  long lag = 0;         // samples by which `recorded` lags `reference`
};

// Finds the lag (0 <= lag < recorded.size()) maximising the raw cross-correlation (FFT), and
// returns the normalized correlation there: sum(x*y) / sqrt(sum(x^2) * sum(y^2)) over the
// reference's span.
Correlation best_correlation(std::span<const float> reference, std::span<const float> recorded);

}  // namespace plenum::test
