#include "server/audio/channel_mix.hpp"

#include "protocol/codec/opus_codec.hpp"
#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;
using protocol::codec::OpusVoiceDecoder;

struct Voice {
  SessionId id;
  double hz;
  double dbfs;
};

// Tones for each voice, `frames` long, and the HeardFrames of one tick as SpeakerInput would
// give them (gate open, level, a quiet floor).
class Room {
 public:
  Room(std::vector<Voice> voices, std::size_t frames) : voices_(std::move(voices)) {
    for (const Voice& v : voices_) {
      pcm_[v.id] = test::tone(v.hz, v.dbfs, frames * kFrameSamples);
    }
  }
  std::vector<HeardFrame> tick(std::size_t f, bool talking = true) const {
    std::vector<HeardFrame> out;
    for (const Voice& v : voices_) {
      HeardFrame h;
      h.speaker = v.id;
      h.pcm = talking ? std::span<const float>(pcm_.at(v.id)).subspan(f * kFrameSamples, kFrameSamples)
                      : std::span<const float>(silence_);
      h.active = talking;
      h.gate_open = talking;
      h.level_dbfs = talking ? static_cast<float>(v.dbfs) : -120.0F;
      h.noise_floor_dbfs = -70.0F;
      out.push_back(h);
    }
    return out;
  }

 private:
  std::vector<Voice> voices_;
  std::map<SessionId, std::vector<float>> pcm_;
  PcmFrame silence_{};
};

// Decodes one stream (the frames excluding `excluded`) of a run of ticks.
struct Listener {
  SessionId excluded = 0;
  OpusVoiceDecoder decoder;
  std::vector<float> heard;

  void take(const ChannelTick& tick) {
    const MixedFrame* frame = &tick.frames[0];
    for (std::size_t i = 0; i < tick.frame_count; ++i) {
      if (tick.frames[i].excluded == excluded) {
        frame = &tick.frames[i];
      }
    }
    std::vector<float> pcm(protocol::codec::kMaxFrameSamples);
    const std::size_t n = decoder.decode(frame->bytes(), pcm);
    heard.insert(heard.end(), pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(n));
  }
  std::vector<float> last(std::size_t frames) const {
    return {heard.end() - static_cast<std::ptrdiff_t>(frames * kFrameSamples), heard.end()};
  }
};

EngineChannel plenary(std::uint32_t k, std::vector<SessionId> mix_listeners) {
  EngineChannel c;
  c.channel = 5;
  c.k = k;
  c.mix_listeners = std::move(mix_listeners);
  return c;
}

const std::vector<Voice> kSix{{1, 400.0, -10.0},  {2, 650.0, -14.0},  {3, 900.0, -18.0},
                              {4, 1200.0, -22.0}, {5, 1500.0, -26.0}, {6, 1900.0, -30.0}};

TEST_SUITE("audio.mix") {
  TEST_CASE("Opus round trip: the mix holds the selected speakers' tones, N-1 lacks its own") {
    constexpr std::size_t kTicks = 150;
    const Room room(kSix, kTicks);
    ChannelMix mix;
    EngineCounters counters;
    const EngineChannel channel = plenary(3, {1, 50});  // speaker 1 and a pure listener
    Listener bystander;
    Listener speaker{1, {}, {}};
    Clock::time_point now{};
    ChannelTick out;
    for (std::size_t f = 0; f < kTicks; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, room.tick(f), false, now, out, counters));
      REQUIRE(out.frame_count == 2);  // shared + the N-1 of the selected mix listener
      CHECK(out.frame_number == 2 * f);
      CHECK(out.frames[0].excluded == 0);
      CHECK(out.frames[1].excluded == 1);
      bystander.take(out);
      speaker.take(out);
    }
    CHECK(mix.selected() == std::vector<SessionId>{1, 2, 3});
    CHECK(counters.mixes_encoded == 2 * kTicks);
    CHECK(counters.frames_mixed == 3 * kTicks);
    const auto shared = bystander.last(50);
    const auto minus = speaker.last(50);
    for (const Voice& v : kSix) {
      CAPTURE(v.hz);
      const double level = test::tone_power(shared, v.hz);
      const double own_level = test::tone_power(minus, v.hz);
      if (v.id <= 3) {
        CHECK(level > -30.0);
        CHECK(level < -18.0);
      } else {
        CHECK(level < -55.0);
        CHECK(own_level < -55.0);
      }
    }
    CHECK(test::tone_power(minus, 400.0) < -55.0);  // speaker 1 does not hear itself
    CHECK(test::tone_power(minus, 650.0) > -30.0);
    CHECK(test::tone_power(minus, 900.0) > -30.0);
  }

  TEST_CASE("silence: frames for the hangover, a terminator, then nothing until speech again") {
    const Room room({{1, 500.0, -20.0}}, 20);
    ChannelMix mix;
    EngineCounters counters;
    const EngineChannel channel = plenary(4, {9});
    Clock::time_point now{};
    ChannelTick out;
    std::uint64_t number = 0;
    for (std::size_t f = 0; f < 20; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, room.tick(f), false, now, out, counters));
      CHECK_FALSE(out.terminator);
      number = out.frame_number;
    }
    // Nobody heard: the hangover's frames (10), then the last frame, with the terminator.
    std::size_t sent = 0;
    bool terminated = false;
    for (std::size_t f = 0; f < 40; ++f, now += 20ms) {
      const bool any = mix.tick(channel, room.tick(0, false), false, now, out, counters);
      if (any) {
        REQUIRE_FALSE(terminated);
        CHECK(out.frame_number == number + 2);
        number = out.frame_number;
        ++sent;
        terminated = out.terminator;
      } else {
        CHECK(out.frame_count == 0);
      }
    }
    CHECK(terminated);
    CHECK(sent == 11);
    CHECK_FALSE(mix.sending());
    // Speech again: frames resume, numbered on.
    REQUIRE(mix.tick(channel, room.tick(1), false, now, out, counters));
    CHECK(out.frame_number == number + 2);
    CHECK_FALSE(out.terminator);
  }

  TEST_CASE("no mix listener: selection only, nothing encoded") {
    const Room room(kSix, 10);
    ChannelMix mix;
    EngineCounters counters;
    ChannelTick out;
    Clock::time_point now{};
    for (std::size_t f = 0; f < 10; ++f, now += 20ms) {
      CHECK_FALSE(mix.tick(plenary(4, {}), room.tick(f), false, now, out, counters));
    }
    CHECK(mix.selected() == std::vector<SessionId>{1, 2, 3, 4});
    CHECK(counters.mixes_encoded == 0);
  }

  TEST_CASE("an N-1 stream starts when its listener is selected and ends after the linger") {
    const Room quiet({{1, 500.0, -20.0}}, 200);
    const Room both({{1, 500.0, -20.0}, {2, 800.0, -20.0}}, 200);
    ChannelMix mix;
    EngineCounters counters;
    const EngineChannel channel = plenary(4, {2});
    ChannelTick out;
    Clock::time_point now{};
    std::size_t f = 0;
    for (; f < 20; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, quiet.tick(f), false, now, out, counters));
      REQUIRE(out.frame_count == 1);
    }
    for (; f < 40; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, both.tick(f), false, now, out, counters));
      REQUIRE(out.frame_count == 2);
      CHECK(out.frames[1].excluded == 2);
    }
    // Speaker 2 stops (it stays in the room, silent): released after 300 ms, then its N-1
    // stream lingers 10 ticks and goes.
    std::size_t with_minus = 0;
    for (std::size_t i = 0; i < 60; ++i, ++f, now += 20ms) {
      auto frames = both.tick(f);
      frames[1].active = false;
      frames[1].gate_open = false;
      REQUIRE(mix.tick(channel, frames, false, now, out, counters));
      with_minus += out.frame_count == 2 ? 1 : 0;
    }
    CHECK(out.frame_count == 1);
    CHECK(with_minus == 14 + 10);  // selected until 300 ms after its last frame, then the linger
  }

  TEST_CASE("a new N-1 stream continues the shared stream: its encoder is a copy, not fresh") {
    // Speaker 2 listens in mix and becomes a floor holder while silent: selected, but nothing of
    // it is in the mix, so its N-1 signal equals the shared one. Encoded from a copy of the
    // shared encoder, its frames are then the shared frames byte for byte; a fresh encoder's
    // would differ. (A listener who starts to talk gets the same continuity.)
    const Room room({{1, 500.0, -20.0}}, 60);
    ChannelMix mix;
    EngineCounters counters;
    EngineChannel channel = plenary(4, {2});
    ChannelTick out;
    Clock::time_point now{};
    std::size_t f = 0;
    for (; f < 30; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, room.tick(f), false, now, out, counters));
      REQUIRE(out.frame_count == 1);
    }
    channel.floor = {2};
    for (; f < 40; ++f, now += 20ms) {
      REQUIRE(mix.tick(channel, room.tick(f), false, now, out, counters));
      REQUIRE(out.frame_count == 2);
      REQUIRE(out.frames[1].excluded == 2);
      CHECK(out.frames[1].size == out.frames[0].size);
      CHECK(std::equal(out.frames[0].opus.begin(), out.frames[0].opus.begin() + out.frames[0].size,
                       out.frames[1].opus.begin()));
    }
    CHECK(mix.selected() == std::vector<SessionId>{1, 2});
  }

  TEST_CASE("under push-to-talk open microphones are blocked, forced speakers are not") {
    ChannelMix mix;
    EngineCounters counters;
    EngineChannel channel = plenary(4, {});
    channel.floor = {3};
    std::vector<HeardFrame> frames(3);
    for (SessionId id = 1; id <= 3; ++id) {
      frames[id - 1].speaker = id;
      frames[id - 1].active = true;
      frames[id - 1].open_mic = id != 2;
    }
    ChannelTick out;
    mix.tick(channel, frames, true, Clock::time_point{}, out, counters);
    CHECK(mix.blocked() == std::vector<SessionId>{1});
    CHECK(mix.selected() == std::vector<SessionId>{3});
    mix.tick(channel, frames, false, Clock::time_point{} + 20ms, out, counters);
    CHECK(mix.blocked().empty());
  }
}

}  // namespace
}  // namespace plenum::server::audio
