// LocalAudio with files only (no sound server needed): --play framing, once or looped, and
// what reaches --record.
#include "client-cli/audio_io/local_audio.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <unistd.h>
#include <vector>

namespace plenum::client {
namespace {

namespace fs = std::filesystem;

struct Files {
  fs::path dir = fs::temp_directory_path() / ("plenum-local-audio-" + std::to_string(::getpid()));
  Files() { fs::create_directories(dir); }
  ~Files() { fs::remove_all(dir); }
};

// 1.5 frames of a ramp, so the second frame is half file, half padding.
std::vector<float> ramp() {
  std::vector<float> samples(protocol::codec::kFrameSamples + protocol::codec::kFrameSamples / 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<float>(i % 100) / 200.0F;
  }
  return samples;
}

TEST_SUITE("client.audio") {
  TEST_CASE("--play is framed once with zero padding, or looped") {
    Files files;
    const std::vector<float> samples = ramp();
    write_wav(files.dir / "in.wav", samples, protocol::codec::kSampleRate);
    std::array<float, protocol::codec::kFrameSamples> frame{};
    bool last = false;

    LocalAudio once({files.dir / "in.wav", std::nullopt, TransmitMode::Continuous,
                     AudioBackend::None});
    CHECK(once.has_play());
    CHECK_FALSE(once.has_device());
    REQUIRE(once.next_play_frame(frame, false, last));
    CHECK_FALSE(last);
    CHECK(frame[10] == doctest::Approx(samples[10]).epsilon(0.001));
    REQUIRE(once.next_play_frame(frame, false, last));
    CHECK(last);
    CHECK(frame[protocol::codec::kFrameSamples / 2 + 10] == 0.0F);
    CHECK_FALSE(once.next_play_frame(frame, false, last));

    LocalAudio looped({files.dir / "in.wav", std::nullopt, TransmitMode::Continuous,
                       AudioBackend::None});
    REQUIRE(looped.next_play_frame(frame, true, last));
    REQUIRE(looped.next_play_frame(frame, true, last));
    // The second half of the second frame starts the file again.
    CHECK(frame[protocol::codec::kFrameSamples / 2 + 10] == doctest::Approx(samples[10]).epsilon(0.001));
    CHECK(looped.next_play_frame(frame, true, last));
    CHECK_FALSE(last);
  }

  TEST_CASE("what is heard goes to --record, without VAD every frame is speech") {
    Files files;
    {
      LocalAudio audio({std::nullopt, files.dir / "out.wav", TransmitMode::Continuous,
                        AudioBackend::None});
      CHECK(audio.recording());
      std::array<float, protocol::codec::kFrameSamples> heard{};
      heard.fill(0.25F);
      CHECK(audio.is_speech(heard));
      audio.output(heard);
      audio.output(heard);
      audio.close_recording();
    }
    const std::vector<float> recorded = read_audio_mono48k(files.dir / "out.wav");
    REQUIRE(recorded.size() == 2 * protocol::codec::kFrameSamples);
    CHECK(recorded[protocol::codec::kFrameSamples + 5] == doctest::Approx(0.25).epsilon(0.001));
  }

  TEST_CASE("--transmit vad judges silence as no speech") {
    LocalAudio audio({std::nullopt, std::nullopt, TransmitMode::VoiceActivity, AudioBackend::None});
    const std::array<float, protocol::codec::kFrameSamples> silence{};
    bool speech = false;
    for (int i = 0; i < 50; ++i) speech = audio.is_speech(silence);
    CHECK_FALSE(speech);
  }
}

}  // namespace
}  // namespace plenum::client
