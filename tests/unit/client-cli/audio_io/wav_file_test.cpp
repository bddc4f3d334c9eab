#include "client-cli/audio_io/resampler.hpp"
#include "client-cli/audio_io/wav_file.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

namespace plenum::client {
namespace {

std::vector<float> sine(double hz, int rate, double seconds) {
  std::vector<float> out(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return out;
}

// Upward zero crossings per second: the frequency of a clean sine.
double frequency(const std::vector<float>& samples, int rate) {
  int crossings = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    crossings += samples[i - 1] < 0.0F && samples[i] >= 0.0F ? 1 : 0;
  }
  return crossings * static_cast<double>(rate) / static_cast<double>(samples.size());
}

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "plenum-wav-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

TEST_SUITE("client-cli") {
  TEST_CASE("a 16 kHz file is read as 48 kHz mono with its pitch and length kept") {
    ScratchDir dir;
    const auto file = dir.path / "in16k.wav";
    write_wav(file, sine(500.0, 16000, 1.0), 16000);
    const std::vector<float> samples = read_audio_mono48k(file);
    CHECK(samples.size() == doctest::Approx(48000).epsilon(0.01));
    CHECK(frequency(samples, 48000) == doctest::Approx(500.0).epsilon(0.01));
    float peak = 0.0F;
    for (const float s : samples) {
      peak = std::max(peak, std::abs(s));
    }
    CHECK(peak == doctest::Approx(0.5).epsilon(0.05));
  }

  TEST_CASE("WavWriter writes mono 48 kHz that reads back sample for sample") {
    ScratchDir dir;
    const auto file = dir.path / "out.wav";
    const auto tone = sine(1000.0, 48000, 0.1);
    {
      WavWriter writer(file);
      writer.write(tone);
      writer.write(tone);
      CHECK(writer.samples_written() == 2 * tone.size());
    }
    const auto back = read_audio_mono48k(file);
    REQUIRE(back.size() == 2 * tone.size());
    CHECK(back[100] == doctest::Approx(tone[100]).epsilon(0.001));
  }

  TEST_CASE("resampling keeps the signal aligned in time") {
    std::vector<float> impulse(4800, 0.0F);
    impulse[1000] = 1.0F;
    const auto up = resample(impulse, 16000, 48000);
    std::size_t peak = 0;
    for (std::size_t i = 0; i < up.size(); ++i) {
      peak = std::abs(up[i]) > std::abs(up[peak]) ? i : peak;
    }
    CHECK(peak == doctest::Approx(3000).epsilon(0.002));
  }

  TEST_CASE("unreadable files throw") {
    CHECK_THROWS(read_audio_mono48k("/nonexistent/file.wav"));
    CHECK_THROWS(WavWriter("/nonexistent/dir/out.wav"));
  }
}

}  // namespace
}  // namespace plenum::client
