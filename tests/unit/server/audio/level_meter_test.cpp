// rms_dbfs, and the test generators it is the reference for (tests/support/test_audio).
#include "server/audio/level_meter.hpp"

#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace plenum::server::audio {

TEST_SUITE("audio.level") {
  TEST_CASE("a full-scale square wave is 0 dBFS, a full-scale sine -3 dBFS, silence the floor") {
    std::vector<float> square(960);
    for (std::size_t i = 0; i < square.size(); ++i) {
      square[i] = (i / 24) % 2 == 0 ? 1.0F : -1.0F;
    }
    CHECK(rms_dbfs(square) == doctest::Approx(0.0).epsilon(0.001));
    CHECK(rms_dbfs(test::tone(1000.0, -3.0103, 960)) == doctest::Approx(-3.0103).epsilon(0.001));
    CHECK(rms_dbfs(std::vector<float>(960, 0.0F)) == kSilenceDbfs);
    CHECK(rms_dbfs({}) == kSilenceDbfs);
    CHECK(rms_dbfs(std::vector<float>(960, 1e-9F)) == kSilenceDbfs);
  }

  TEST_CASE("generators hit their level, and tone_power picks out one tone among others") {
    for (const double dbfs : {-10.0, -30.0, -55.0}) {
      CHECK(rms_dbfs(test::tone(440.0, dbfs, 960)) == doctest::Approx(dbfs).epsilon(0.01));
      CHECK(rms_dbfs(test::white_noise(dbfs, 4800)) == doctest::Approx(dbfs).epsilon(0.01));
      CHECK(rms_dbfs(test::pink_noise(dbfs, 48000)) == doctest::Approx(dbfs).epsilon(0.01));
    }
    std::vector<float> two = test::tone(440.0, -20.0, 960);
    test::add_into(two, test::tone(1250.0, -40.0, 960));
    CHECK(test::tone_power(two, 440.0) == doctest::Approx(-20.0).epsilon(0.08));
    CHECK(test::tone_power(two, 1250.0) == doctest::Approx(-40.0).epsilon(0.08));
    CHECK(test::tone_power(two, 3000.0) < -80.0);
  }

  TEST_CASE("Opus packets of every duration and multi-frame packets are what they claim") {
    const std::vector<float> pcm = test::tone(440.0, -20.0, 48000);
    for (const unsigned ms : {10U, 20U, 40U, 60U}) {
      const auto packets = test::encode_opus(pcm, ms);
      CHECK(packets.size() == 1000 / ms);
    }
    CHECK(test::encode_opus(pcm, 30).empty());
    const auto three = test::encode_opus_multiframe(pcm, 3);
    CHECK(three.size() == 16);
    CHECK(test::opus_frame_code(three.front()) == 3);
  }
}

}  // namespace plenum::server::audio
