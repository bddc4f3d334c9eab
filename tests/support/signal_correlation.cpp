#include "tests/support/signal_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace plenum::test {
namespace {

using Complex = std::complex<double>;

// In-place iterative radix-2 FFT; data.size() is a power of two.
void fft(std::vector<Complex>& data, bool inverse) {
  const std::size_t n = data.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; (j & bit) != 0; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      std::swap(data[i], data[j]);
    }
  }
  for (std::size_t length = 2; length <= n; length <<= 1) {
    const double angle = 2.0 * std::numbers::pi / static_cast<double>(length) * (inverse ? 1 : -1);
    const Complex step(std::cos(angle), std::sin(angle));
    for (std::size_t start = 0; start < n; start += length) {
      Complex w(1.0, 0.0);
      for (std::size_t k = 0; k < length / 2; ++k) {
        const Complex even = data[start + k];
        const Complex odd = data[start + k + length / 2] * w;
        data[start + k] = even + odd;
        data[start + k + length / 2] = even - odd;
        w *= step;
      }
    }
  }
  if (inverse) {
    for (Complex& value : data) {
      value /= static_cast<double>(n);
    }
  }
}

}  // namespace

std::vector<float> speech_like_signal(double seconds, int rate) {
  const auto count = static_cast<std::size_t>(seconds * rate);
  std::vector<double> raw(count);
  double phase = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double f0 = 160.0 + 45.0 * std::sin(2.0 * std::numbers::pi * 0.7 * t) +
                      15.0 * std::sin(2.0 * std::numbers::pi * 2.3 * t);
    phase += 2.0 * std::numbers::pi * f0 / rate;
    double voiced = 0.0;
    for (int k = 1; k <= 14; ++k) {
      // A crude formant: harmonics near 500-700 Hz stand out from the 1/k tilt.
      const double formant = 1.0 + 1.5 * std::exp(-std::pow((k * f0 - 600.0) / 250.0, 2.0));
      voiced += formant * std::sin(k * phase) / k;
    }
    const double syllable = std::pow(0.5 + 0.5 * std::sin(2.0 * std::numbers::pi * 3.7 * t - 1.2), 1.5);
    // A pause of 300 ms in every 1.5 s, as between phrases.
    const bool pause = std::fmod(t, 1.5) > 1.2;
    const bool edges = t < 0.1 || t > seconds - 0.1;
    raw[i] = pause || edges ? 0.0 : voiced * syllable;
  }
  double peak = 1e-9;
  for (const double v : raw) {
    peak = std::max(peak, std::abs(v));
  }
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<float>(0.5 * raw[i] / peak);
  }
  return out;
}

Correlation best_correlation(std::span<const float> reference, std::span<const float> recorded) {
  if (reference.empty() || recorded.empty()) {
    return {};
  }
  std::size_t size = 1;
  while (size < reference.size() + recorded.size()) {
    size <<= 1;
  }
  std::vector<Complex> x(size);
  std::vector<Complex> y(size);
  std::copy(reference.begin(), reference.end(), x.begin());
  std::copy(recorded.begin(), recorded.end(), y.begin());
  fft(x, false);
  fft(y, false);
  for (std::size_t i = 0; i < size; ++i) {
    y[i] *= std::conj(x[i]);  // correlation: Y · conj(X)
  }
  fft(y, true);
  std::size_t best = 0;
  for (std::size_t lag = 0; lag < recorded.size(); ++lag) {
    best = y[lag].real() > y[best].real() ? lag : best;
  }
  double reference_energy = 0.0;
  for (const float v : reference) {
    reference_energy += static_cast<double>(v) * v;
  }
  double recorded_energy = 0.0;
  const std::size_t end = std::min(recorded.size(), best + reference.size());
  for (std::size_t i = best; i < end; ++i) {
    recorded_energy += static_cast<double>(recorded[i]) * recorded[i];
  }
  const double denominator = std::sqrt(reference_energy * recorded_energy);
  return {denominator > 0.0 ? y[best].real() / denominator : 0.0, static_cast<long>(best)};
}

}  // namespace plenum::test
