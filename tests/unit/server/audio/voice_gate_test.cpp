// NoiseFloor and VoiceGate with synthetic per-frame levels and a hand-driven 20 ms step.
#include "server/audio/noise_floor.hpp"
#include "server/audio/voice_gate.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;

constexpr auto kStep = 20ms;
constexpr float kMargin = 10.0F;
constexpr float kChannelGate = -50.0F;

// A noise whose 20 ms levels scatter ±3 dB around `dbfs`, as a fan's or a street's do.
struct NoisyLevel {
  std::mt19937 random{7};
  std::uniform_real_distribution<float> spread{-3.0F, 3.0F};
  float operator()(float dbfs) { return dbfs + spread(random); }
};

// One speaker's floor and gate, as SpeakerInput combines them.
struct Speaker {
  NoiseFloor floor;
  VoiceGate gate{500ms};

  bool frame(float level) {
    floor.update(level, kStep);
    return gate.update(level, std::max(kChannelGate, floor.dbfs() + kMargin), kStep);
  }
  // Frames of `level_of()` for `duration`; how many of them found the gate open.
  template <class Level>
  int run(std::chrono::milliseconds duration, Level level_of) {
    int open = 0;
    for (auto t = 0ms; t < duration; t += kStep) {
      open += frame(level_of()) ? 1 : 0;
    }
    return open;
  }
};

}  // namespace

TEST_SUITE("audio.gate") {
  TEST_CASE("noise alone keeps the gate closed once the floor has settled") {
    Speaker speaker;
    NoisyLevel noise;
    // -35 dBFS is above the channel threshold, so only the floor can keep the gate shut.
    const int opened_while_learning = speaker.run(15s, [&] { return noise(-35.0F); });
    CHECK(opened_while_learning > 0);  // the floor starts at a quiet room's level
    CHECK(speaker.floor.dbfs() == doctest::Approx(-37.0).epsilon(0.1));
    CHECK(speaker.run(30s, [&] { return noise(-35.0F); }) == 0);
    CHECK(speaker.floor.dbfs() < -35.0F);  // near the noise's minimum, not its mean
  }

  TEST_CASE("a steady noise-only microphone is gated within about 3 s of its first frame") {
    Speaker speaker;
    // -35 dBFS against the initial floor of -60: under the margin after 3 s·ln 2.5 = 2.7 s, then
    // the hangover. The engine's integration tests rely on this (a noisy talker among tones).
    CHECK(speaker.run(2500ms, [] { return -35.0F; }) == 125);
    speaker.run(1000ms, [] { return -35.0F; });
    CHECK_FALSE(speaker.gate.open());
    CHECK(speaker.run(10s, [] { return -35.0F; }) == 0);
  }

  TEST_CASE("speech 25 dB above the noise opens the gate at once") {
    Speaker speaker;
    NoisyLevel noise;
    speaker.run(10s, [&] { return noise(-45.0F); });
    REQUIRE(speaker.run(5s, [&] { return noise(-45.0F); }) == 0);
    CHECK(speaker.frame(-20.0F));
    // Syllables with pauses between them: open throughout, the hangover bridges the pauses.
    int t = 0;
    const int open = speaker.run(4s, [&] { return (t++ % 25) < 15 ? -20.0F : noise(-45.0F); });
    CHECK(open == 200);
  }

  TEST_CASE("the channel threshold holds the gate shut below it whatever the floor") {
    Speaker speaker;
    speaker.run(5s, [] { return -90.0F; });  // a very quiet microphone: floor + margin = -80
    CHECK_FALSE(speaker.frame(-55.0F));
    CHECK(speaker.frame(-50.0F));
  }

  TEST_CASE("the hangover holds the gate open, then it closes") {
    VoiceGate gate{500ms};
    CHECK_FALSE(gate.update(-60.0F, -40.0F, kStep));
    CHECK(gate.update(-30.0F, -40.0F, kStep));
    int held = 0;
    while (gate.update(-60.0F, -40.0F, kStep)) {
      ++held;
      REQUIRE(held < 100);
    }
    CHECK(held == 24);  // 24 frames (480 ms) below still open, closed on the 25th (500 ms)
    CHECK_FALSE(gate.update(-60.0F, -40.0F, kStep));
    // A loud frame inside the hangover starts it again.
    gate.update(-30.0F, -40.0F, kStep);
    for (int i = 0; i < 20; ++i) {
      gate.update(-60.0F, -40.0F, kStep);
    }
    CHECK(gate.update(-30.0F, -40.0F, kStep));
    for (int i = 0; i < 24; ++i) {
      CHECK(gate.update(-60.0F, -40.0F, kStep));
    }
    CHECK_FALSE(gate.update(-60.0F, -40.0F, kStep));
  }

  TEST_CASE("close() shuts the gate without a hangover") {
    VoiceGate gate{500ms};
    gate.update(-20.0F, -40.0F, kStep);
    gate.close();
    CHECK_FALSE(gate.open());
    CHECK_FALSE(gate.update(-60.0F, -40.0F, kStep));
  }

  TEST_CASE("the floor follows a noise that steps up, slowly, and the gate closes again") {
    Speaker speaker;
    NoisyLevel noise;
    speaker.run(10s, [&] { return noise(-60.0F); });
    CHECK(speaker.floor.dbfs() == doctest::Approx(-62.0).epsilon(0.05));
    // A fan starts, 25 dB louder: the gate opens first (it could be speech) ...
    CHECK(speaker.frame(noise(-35.0F)));
    speaker.run(200ms, [&] { return noise(-35.0F); });
    CHECK(speaker.floor.dbfs() < -55.0F);  // rising slowly: a word does not lift it
    // ... and within seconds the floor has learnt the fan and the gate stays closed.
    speaker.run(12s, [&] { return noise(-35.0F); });
    CHECK(speaker.floor.dbfs() == doctest::Approx(-37.0).epsilon(0.1));
    CHECK(speaker.run(20s, [&] { return noise(-35.0F); }) == 0);
  }

  TEST_CASE("the floor falls fast when the noise stops") {
    NoiseFloor floor;
    for (int i = 0; i < 5000; ++i) {
      floor.update(-30.0F, kStep);
    }
    REQUIRE(floor.dbfs() == doctest::Approx(-30.0).epsilon(0.01));
    for (int i = 0; i < 15; ++i) {  // a 300 ms pause
      floor.update(-70.0F, kStep);
    }
    CHECK(floor.dbfs() < -66.0F);
  }

  TEST_CASE("one odd quiet frame barely moves the floor") {
    NoiseFloor floor;
    for (int i = 0; i < 5000; ++i) {
      floor.update(-40.0F, kStep);
    }
    floor.update(-120.0F, kStep);
    CHECK(floor.dbfs() == doctest::Approx(-40.0));
    floor.update(-120.0F, kStep);  // a second one is a pause: now it falls
    CHECK(floor.dbfs() < -50.0F);
  }
}

}  // namespace plenum::server::audio
