#include "client-cli/audio_io/voice_activity.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <numbers>

namespace plenum::client {
namespace {

// A voiced, speech-like frame: harmonics of a 150 Hz fundamental.
std::array<float, 960> voiced_frame(std::size_t index) {
  std::array<float, 960> frame{};
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double t = static_cast<double>(index * frame.size() + i) / 48000.0;
    double s = 0.0;
    for (int k = 1; k < 12; ++k) {
      s += std::sin(2.0 * std::numbers::pi * 150.0 * k * t) / k;
    }
    frame[i] = static_cast<float>(0.2 * s);
  }
  return frame;
}

TEST_SUITE("client-cli") {
  TEST_CASE("VAD opens on voice, holds, then closes in silence") {
    VoiceActivityDetector vad(960, 48000, std::chrono::milliseconds(100));
    const std::array<float, 960> silence{};
    for (int i = 0; i < 50; ++i) {
      CHECK_FALSE(vad.process(silence));
    }
    bool opened = false;
    for (std::size_t i = 0; i < 50; ++i) {
      opened = vad.process(voiced_frame(i)) || opened;
    }
    CHECK(opened);
    CHECK(vad.process(silence));  // the hold keeps the gate open right after speech
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
      closed = !vad.process(silence);
    }
    CHECK(closed);
  }
}

}  // namespace
}  // namespace plenum::client
