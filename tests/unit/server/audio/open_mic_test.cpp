// SpeakerInput's gate on real (Opus-coded) noise and speech, and open-microphone detection under
// push-to-talk: a transmission with the gate closed for open_mic_after is stopped until it ends.
#include "server/audio/speaker_input.hpp"

#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <vector>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;
using protocol::Bytes;

constexpr std::size_t kTicksPerSecond = 50;

std::vector<Bytes> packets_of(const std::vector<float>& pcm) { return test::encode_opus(pcm, 20); }

// One speaker sending 20 ms packets in real time; each step() is one packet and one tick.
struct Speaker {
  explicit Speaker(bool ptt) : push_to_talk(ptt) {}

  SpeakerInput input;
  EngineCounters counters;
  Clock::time_point now = Clock::time_point{} + 1h;
  std::uint64_t seq = 0;
  bool push_to_talk;
  std::vector<DecodedFrame> frames;  // pcm not kept
  std::vector<std::size_t> changes;  // ticks where open_mic changed

  void send(const Bytes& opus, bool terminator = false) {
    SpeakerFrame frame;
    frame.frame_number = seq;
    frame.terminator = terminator;
    frame.arrival = now;
    frame.size = static_cast<std::uint16_t>(opus.size());
    std::copy(opus.begin(), opus.end(), frame.opus.begin());
    input.push(frame, counters);
    seq += 2;
  }
  DecodedFrame tick() {
    DecodedFrame frame = input.next(now, -50.0F, push_to_talk, counters);
    if (frame.open_mic_changed) {
      changes.push_back(frames.size());
    }
    CHECK_FALSE((frame.open_mic && frame.gate_open));
    frame.pcm = {};
    frames.push_back(frame);
    now += 20ms;
    return frame;
  }
  void run(const std::vector<Bytes>& packets, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      send(packets[i]);
      tick();
    }
  }
  std::size_t open_ticks(std::size_t from, std::size_t to) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < to; ++i) {
      n += frames[i].gate_open ? 1U : 0U;
    }
    return n;
  }
};

// 40 s of a street's noise at -35 dBFS, encoded once for every test.
const std::vector<Bytes>& noise_packets() {
  static const std::vector<Bytes> packets = packets_of(test::pink_noise(-35.0, 48000 * 40, 5));
  return packets;
}

}  // namespace

TEST_SUITE("audio.gate") {
  TEST_CASE("Opus-coded street noise: the gate settles closed, a tone 25 dB above opens it") {
    std::vector<float> pcm = test::pink_noise(-35.0, 48000 * 20, 3);
    // 15.0-16.0 s: a tone 25 dB above the noise.
    const std::vector<float> speech = test::tone(440.0, -10.0, 48000);
    for (std::size_t i = 0; i < speech.size(); ++i) {
      pcm[48000 * 15 + i] += speech[i];
    }
    const std::vector<Bytes> packets = packets_of(pcm);
    Speaker speaker(false);
    speaker.run(packets, 0, packets.size());
    // Tick i plays packet i (the buffer starts with the first packet).
    CHECK(speaker.open_ticks(0, 50) > 0);          // the floor starts at a quiet room's level
    CHECK(speaker.open_ticks(500, 750) == 0);      // 10-15 s: learnt, closed
    CHECK(speaker.frames[749].noise_floor_dbfs < -35.0F);
    CHECK(speaker.frames[749].noise_floor_dbfs > -42.0F);
    CHECK(speaker.open_ticks(751, 800) == 49);     // the tone
    CHECK(speaker.open_ticks(800, 822) == 22);     // the hangover (500 ms, the codec's tail)
    CHECK(speaker.open_ticks(830, 1000) == 0);     // closed again
    CHECK(speaker.counters.frames_gated == packets.size() - speaker.open_ticks(0, packets.size()));
    CHECK(speaker.counters.frames_decoded == packets.size());
  }
}

TEST_SUITE("audio.open_mic") {

  TEST_CASE("under ptt a transmission of noise alone is stopped as an open microphone") {
    Speaker speaker(true);
    const std::vector<Bytes>& packets = noise_packets();
    speaker.run(packets, 0, 30 * kTicksPerSecond);
    REQUIRE(speaker.changes.size() == 1);
    const std::size_t flagged = speaker.changes.front();
    // The floor learns the noise (a few seconds), then 8 s with the gate closed.
    CHECK(flagged > 8 * kTicksPerSecond);
    CHECK(flagged < 20 * kTicksPerSecond);
    // Closed for exactly open_mic_after before it: the stretch was unbroken.
    for (std::size_t i = flagged - 8 * kTicksPerSecond; i < flagged; ++i) {
      REQUIRE_FALSE(speaker.frames[i].gate_open);
      REQUIRE_FALSE(speaker.frames[i].open_mic);
    }
    CHECK(speaker.frames[flagged - 8 * kTicksPerSecond - 1].gate_open);
    for (std::size_t i = flagged; i < speaker.frames.size(); ++i) {
      REQUIRE(speaker.frames[i].open_mic);
    }
    CHECK(speaker.input.open_mic());
    // The sender stops without a terminator: released once the gap reaches a second.
    const Clock::time_point last_packet = speaker.now - 20ms;
    std::optional<Clock::time_point> released;
    for (int i = 0; i < 100; ++i) {
      const Clock::time_point at = speaker.now;
      const DecodedFrame frame = speaker.tick();
      if (frame.open_mic_changed) {
        released = at;
      }
    }
    REQUIRE(speaker.changes.size() == 2);
    REQUIRE(released);
    CHECK(*released - last_packet >= 1s);
    CHECK(*released - last_packet <= 1020ms);
    CHECK_FALSE(speaker.input.open_mic());
  }

  TEST_CASE("the terminator ends the open microphone at once, and a new transmission starts afresh") {
    Speaker speaker(true);
    const std::vector<Bytes>& packets = noise_packets();
    speaker.run(packets, 0, 25 * kTicksPerSecond);
    REQUIRE(speaker.input.open_mic());
    speaker.send(packets[25 * kTicksPerSecond], true);
    const DecodedFrame frame = speaker.tick();
    CHECK(frame.open_mic_changed);
    CHECK_FALSE(frame.open_mic);
    CHECK(speaker.changes.size() == 2);
    // Pressing again: the floor is already learnt, so 8 s of noise stop it again, not sooner.
    const std::size_t restart = speaker.frames.size();
    speaker.run(packets, 25 * kTicksPerSecond + 1, 40 * kTicksPerSecond);
    REQUIRE(speaker.changes.size() == 3);
    CHECK(speaker.changes.back() - restart >= 8 * kTicksPerSecond);
    CHECK(speaker.changes.back() - restart < 9 * kTicksPerSecond);
  }

  TEST_CASE("without ptt noise is gated but never flagged as an open microphone") {
    Speaker speaker(false);
    const std::vector<Bytes>& packets = noise_packets();
    speaker.run(packets, 0, packets.size());
    CHECK(speaker.changes.empty());
    CHECK_FALSE(speaker.input.open_mic());
    CHECK(speaker.open_ticks(10 * kTicksPerSecond, packets.size()) == 0);
  }

  TEST_CASE("under ptt speech over noise is never flagged") {
    std::vector<float> pcm = test::pink_noise(-50.0, 48000 * 30, 9);
    test::add_into(pcm, test::tone_bursts(220.0, -20.0, pcm.size()));
    const std::vector<Bytes> packets = packets_of(pcm);
    Speaker speaker(true);
    speaker.run(packets, 0, packets.size());
    CHECK(speaker.changes.empty());
    CHECK(speaker.open_ticks(0, packets.size()) > packets.size() * 9 / 10);
  }

  TEST_CASE("turning ptt off releases an open microphone") {
    Speaker speaker(true);
    const std::vector<Bytes>& packets = noise_packets();
    speaker.run(packets, 0, 25 * kTicksPerSecond);
    REQUIRE(speaker.input.open_mic());
    speaker.push_to_talk = false;
    speaker.send(packets[25 * kTicksPerSecond]);
    const DecodedFrame frame = speaker.tick();
    CHECK(frame.open_mic_changed);
    CHECK_FALSE(frame.open_mic);
  }
}

}  // namespace plenum::server::audio
