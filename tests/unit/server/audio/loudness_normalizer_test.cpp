#include "server/audio/loudness_normalizer.hpp"
#include "server/audio/mixer.hpp"

#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace plenum::server::audio {
namespace {

using test::tone;
using test::tone_power;
using test::white_noise;

// Runs `pcm` through `n` frame by frame as the engine does; returns the output.
std::vector<float> run(LoudnessNormalizer& n, const std::vector<float>& pcm, bool gate_open,
                       float level_dbfs, float noise_floor_dbfs) {
  std::vector<float> out(pcm.size());
  for (std::size_t at = 0; at + kFrameSamples <= pcm.size(); at += kFrameSamples) {
    n.process({std::span(pcm).subspan(at, kFrameSamples), gate_open, level_dbfs, noise_floor_dbfs},
              std::span(out).subspan(at, kFrameSamples));
  }
  return out;
}

std::vector<float> tail(const std::vector<float>& pcm, std::size_t frames) {
  return {pcm.end() - static_cast<std::ptrdiff_t>(frames * kFrameSamples), pcm.end()};
}

TEST_SUITE("audio.mix") {
  TEST_CASE("two selected speakers 20 dB apart come out within a few dB after the normaliser settles") {
    constexpr std::size_t kFrames = 400;  // 8 s
    const auto near = tone(1000.0, -12.0, kFrames * kFrameSamples);
    const auto far = tone(800.0, -32.0, kFrames * kFrameSamples);
    LoudnessNormalizer a;
    LoudnessNormalizer b;
    const auto near_out = run(a, near, true, -12.0F, -70.0F);
    const auto far_out = run(b, far, true, -32.0F, -70.0F);
    const double near_level = tone_power(tail(near_out, 50), 1000.0);
    const double far_level = tone_power(tail(far_out, 50), 800.0);
    CHECK(std::abs(near_level - far_level) < 3.0);
    // And both sit near the target, -23 LUFS (a 1 kHz tone's LUFS is close to its RMS dBFS).
    CHECK(near_level == doctest::Approx(-23.0).epsilon(0.15));
    CHECK(a.speech_gain_db() < -8.0F);
    CHECK(b.speech_gain_db() > 8.0F);
  }

  TEST_CASE("the gain has a ceiling: a very quiet speaker is raised by 12 dB at most") {
    LoudnessNormalizer n;
    const auto whisper = tone(1000.0, -50.0, 400 * kFrameSamples);
    const auto out = run(n, whisper, true, -50.0F, -80.0F);
    CHECK(n.speech_gain_db() == doctest::Approx(12.0F));
    CHECK(tone_power(tail(out, 50), 1000.0) == doctest::Approx(-38.0).epsilon(0.05));
  }

  TEST_CASE("a noise-only input is not amplified") {
    const auto noise = white_noise(-45.0, 400 * kFrameSamples, 3);
    SUBCASE("gate closed") {
      LoudnessNormalizer n;
      const auto out = run(n, noise, false, -45.0F, -46.0F);
      CHECK(n.speech_gain_db() == 0.0F);
      CHECK(n.applied_gain_db() <= 0.0F);
      CHECK(test::tone_power(out, 1000.0) <= test::tone_power(noise, 1000.0) + 0.01);
    }
    SUBCASE("gate open (a threshold below the noise) but the level sits at the speaker's floor") {
      LoudnessNormalizer n;
      run(n, noise, true, -45.0F, -47.0F);
      CHECK(n.speech_gain_db() == 0.0F);
      CHECK(n.applied_gain_db() <= 0.0F);
    }
    SUBCASE("a quiet speaker's learned gain is not applied to the noise in its pauses") {
      LoudnessNormalizer n;
      run(n, tone(1000.0, -40.0, 300 * kFrameSamples), true, -40.0F, -70.0F);
      REQUIRE(n.speech_gain_db() > 10.0F);
      // The gate's hangover holds it open over the pause, where only the room is heard.
      run(n, white_noise(-68.0, 50 * kFrameSamples, 5), true, -68.0F, -70.0F);
      CHECK(n.applied_gain_db() <= 0.0F);
    }
  }
}

}  // namespace
}  // namespace plenum::server::audio
