// Piecewise correlation for interop checks: where a jitter buffer or a sound device had to
// stretch an underrun (a loaded machine), one lag no longer fits the whole recording, and the
// stretch spoils only the piece it falls in. Header-only; pure functions.
#pragma once

#include "tests/support/signal_correlation.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace plenum::test {

// Correlations of the reference's 0.5 s pieces (48 kHz) with the recording, each at its own
// best lag.
inline std::vector<double> piece_correlations(std::span<const float> reference,
                                              std::span<const float> recorded) {
  constexpr std::size_t kPiece = 24000;
  std::vector<double> out;
  for (std::size_t at = 0; at + kPiece / 2 <= reference.size(); at += kPiece) {
    const auto piece = reference.subspan(at, std::min(kPiece, reference.size() - at));
    out.push_back(best_correlation(piece, recorded).value);
  }
  return out;
}

// How many of those pieces fall below `threshold`.
inline std::size_t pieces_below(std::span<const float> reference, std::span<const float> recorded,
                                double threshold) {
  const auto pieces = piece_correlations(reference, recorded);
  return static_cast<std::size_t>(std::count_if(
      pieces.begin(), pieces.end(), [threshold](double value) { return value < threshold; }));
}

}  // namespace plenum::test
