#include "server/audio/mixer.hpp"
#include "server/audio/soft_limiter.hpp"

#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace plenum::server::audio {
namespace {

using test::tone;
using test::tone_power;
using test::white_noise;

float peak(std::span<const float> pcm) {
  float p = 0.0F;
  for (const float s : pcm) {
    p = std::max(p, std::fabs(s));
  }
  return p;
}

std::span<const float> frame_of(const std::vector<float>& pcm, std::size_t index) {
  return std::span(pcm).subspan(index * kFrameSamples, kFrameSamples);
}

TEST_SUITE("audio.mix") {
  TEST_CASE("the limiter keeps 32 loud inputs strictly inside full scale, shared and N-1") {
    constexpr std::size_t kFrames = 100;
    std::vector<std::vector<float>> sources;
    for (std::uint32_t i = 0; i < kMaxSelected; ++i) {
      // Half full-scale noise, half loud tones: the sum peaks far above 1.
      sources.push_back(i % 2 == 0 ? white_noise(-1.0, kFrames * kFrameSamples, i + 1)
                                   : tone(200.0 + 97.0 * i, -3.0, kFrames * kFrameSamples));
    }
    Mixer mixer;
    SoftLimiter shared_limiter;
    SoftLimiter minus_limiter;
    PcmFrame out{};
    float loudest_in = 0.0F;
    float loudest_out = 0.0F;
    for (std::size_t f = 0; f < kFrames; ++f) {
      std::vector<MixInput> inputs;
      for (std::uint32_t i = 0; i < kMaxSelected; ++i) {
        inputs.push_back({i + 1, frame_of(sources[i], f), false});
      }
      mixer.sum(inputs);
      mixer.shared(shared_limiter, out);
      loudest_out = std::max(loudest_out, peak(out));
      mixer.without(1, minus_limiter, out);
      loudest_out = std::max(loudest_out, peak(out));
      float sum_peak = 0.0F;
      for (std::size_t s = 0; s < kFrameSamples; ++s) {
        float sum = 0.0F;
        for (const auto& src : sources) {
          sum += src[f * kFrameSamples + s];
        }
        sum_peak = std::max(sum_peak, std::fabs(sum));
      }
      loudest_in = std::max(loudest_in, sum_peak);
    }
    CHECK(loudest_in > 4.0F);  // the test is only meaningful if the sum overloads
    CHECK(loudest_out < 1.0F);
    CHECK(loudest_out > 0.5F);  // limited, not silenced
  }

  TEST_CASE("the limiter is transparent below its threshold and never passes a non-finite value") {
    SoftLimiter limiter;
    const auto quiet = tone(440.0, -12.0, kFrameSamples);
    PcmFrame out{};
    limiter.process(quiet, out);
    for (std::size_t s = 0; s < kFrameSamples; ++s) {
      REQUIRE(out[s] == doctest::Approx(quiet[s]));
    }
    PcmFrame bad{};
    bad[3] = std::numeric_limits<float>::infinity();
    bad[7] = std::numeric_limits<float>::quiet_NaN();
    bad[9] = 1e30F;
    limiter.process(bad, out);
    CHECK(out[3] == 0.0F);
    CHECK(out[7] == 0.0F);
    CHECK(std::fabs(out[9]) < 1.0F);
  }

  TEST_CASE("an N-1 mix excludes its own speaker and keeps the others") {
    constexpr std::size_t kFrames = 25;
    const auto own = tone(500.0, -20.0, kFrames * kFrameSamples);
    const auto other = tone(1300.0, -20.0, kFrames * kFrameSamples);
    Mixer mixer;
    SoftLimiter shared_limiter;
    SoftLimiter minus_limiter;
    std::vector<float> shared;
    std::vector<float> minus;
    PcmFrame out{};
    for (std::size_t f = 0; f < kFrames; ++f) {
      const std::vector<MixInput> inputs{{7, frame_of(own, f), false}, {8, frame_of(other, f), false}};
      mixer.sum(inputs);
      mixer.shared(shared_limiter, out);
      shared.insert(shared.end(), out.begin(), out.end());
      mixer.without(7, minus_limiter, out);
      minus.insert(minus.end(), out.begin(), out.end());
    }
    CHECK(tone_power(shared, 500.0) == doctest::Approx(-20.0).epsilon(0.1));
    CHECK(tone_power(shared, 1300.0) == doctest::Approx(-20.0).epsilon(0.1));
    CHECK(tone_power(minus, 500.0) < -100.0);
    CHECK(tone_power(minus, 1300.0) == doctest::Approx(-20.0).epsilon(0.1));
    // Someone who is not an input gets the shared mix.
    SoftLimiter a = shared_limiter;
    SoftLimiter b = shared_limiter;
    PcmFrame expected{};
    mixer.shared(a, expected);
    mixer.without(99, b, out);
    CHECK(out == expected);
  }

  TEST_CASE("a priority speaker ducks the others by about 12 dB, and only while it talks") {
    constexpr std::size_t kFrames = 50;
    const auto chair = tone(700.0, -20.0, kFrames * kFrameSamples);
    const auto member = tone(1100.0, -20.0, kFrames * kFrameSamples);
    Mixer mixer;
    SoftLimiter limiter;
    PcmFrame out{};
    std::vector<float> ducked;
    for (std::size_t f = 0; f < kFrames; ++f) {
      const std::vector<MixInput> inputs{{1, frame_of(chair, f), true}, {2, frame_of(member, f), false}};
      mixer.sum(inputs);
      mixer.shared(limiter, out);
      if (f > 0) {  // after the first frame's ramp
        ducked.insert(ducked.end(), out.begin(), out.end());
      }
    }
    CHECK(tone_power(ducked, 700.0) == doctest::Approx(-20.0).epsilon(0.1));
    CHECK(tone_power(ducked, 1100.0) == doctest::Approx(-32.0).epsilon(0.1));
    std::vector<float> free;
    for (std::size_t f = 0; f < kFrames; ++f) {
      const std::vector<MixInput> inputs{{2, frame_of(member, f), false}};
      mixer.sum(inputs);
      mixer.shared(limiter, out);
      if (f > 0) {
        free.insert(free.end(), out.begin(), out.end());
      }
    }
    CHECK(tone_power(free, 1100.0) == doctest::Approx(-20.0).epsilon(0.1));
  }
}

}  // namespace
}  // namespace plenum::server::audio
