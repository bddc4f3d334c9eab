#include "server/audio/audio_engine.hpp"

#include "protocol/codec/opus_codec.hpp"
#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;
using protocol::codec::kFrameSamples;

constexpr ChannelId kPlenary = 5;

// Speakers sending real Opus packets (20 ms each) of their own signal, one per tick.
class Speakers {
 public:
  void add(SessionId id, std::vector<float> pcm, ChannelId channel = kPlenary) {
    packets_[id] = {test::encode_opus(pcm, 20), channel};
  }
  void push(AudioEngine& engine, std::size_t tick, Clock::time_point now) const {
    for (const auto& [id, speaker] : packets_) {
      if (tick >= speaker.packets.size()) {
        continue;
      }
      SpeakerFrame frame;
      frame.speaker = id;
      frame.channel = speaker.channel;
      frame.frame_number = 2 * tick;
      frame.arrival = now;
      frame.terminator = tick + 1 == speaker.packets.size();
      const auto& bytes = speaker.packets[tick];
      frame.size = static_cast<std::uint16_t>(bytes.size());
      std::memcpy(frame.opus.data(), bytes.data(), bytes.size());
      engine.push(frame);
    }
  }

 private:
  struct Stream {
    std::vector<protocol::Bytes> packets;
    ChannelId channel = kPlenary;
  };
  std::map<SessionId, Stream> packets_;
};

// One listener's decoded stream: the N-1 frame excluding it when there is one, else the shared.
struct Listener {
  SessionId id = 0;
  protocol::codec::OpusVoiceDecoder decoder;
  std::vector<float> heard;

  void take(const ChannelTick& tick) {
    const MixedFrame* frame = &tick.frames[0];
    for (std::size_t i = 1; i < tick.frame_count; ++i) {
      if (tick.frames[i].excluded == id) {
        frame = &tick.frames[i];
      }
    }
    std::vector<float> pcm(protocol::codec::kMaxFrameSamples);
    const std::size_t n = decoder.decode(frame->bytes(), pcm);
    heard.insert(heard.end(), pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(n));
  }
  std::vector<float> last(std::size_t frames) const {
    REQUIRE(heard.size() >= frames * kFrameSamples);
    return {heard.end() - static_cast<std::ptrdiff_t>(frames * kFrameSamples), heard.end()};
  }
};

std::shared_ptr<const EngineSnapshot> one_channel(EngineChannel channel) {
  auto snapshot = std::make_shared<EngineSnapshot>();
  snapshot->channels.push_back(std::move(channel));
  return snapshot;
}

const ChannelTick* find_tick(const TickOutput& out, ChannelId channel) {
  for (const ChannelTick& t : out.ticks) {
    if (t.channel == channel) {
      return &t;
    }
  }
  return nullptr;
}

TEST_SUITE("audio.engine") {
  TEST_CASE("Opus round trip through the engine: the k loudest tones in the mix, none of the rest") {
    constexpr std::size_t kTicks = 200;
    const std::vector<std::pair<double, double>> voices{
        {400.0, -10.0}, {650.0, -14.0}, {900.0, -18.0}, {1200.0, -24.0}, {1500.0, -28.0},
        {1900.0, -32.0}};
    Speakers speakers;
    for (std::size_t i = 0; i < voices.size(); ++i) {
      speakers.add(static_cast<SessionId>(i + 1),
                   test::tone(voices[i].first, voices[i].second, kTicks * kFrameSamples));
    }
    EngineChannel channel;
    channel.channel = kPlenary;
    channel.k = 3;
    channel.mix_listeners = {1, 50};  // the loudest speaker, and someone who only listens
    AudioEngine engine;
    engine.set_snapshot(one_channel(channel));
    Listener bystander{50, {}, {}};
    Listener speaker_one{1, {}, {}};
    TickOutput out;
    Clock::time_point now{};
    std::size_t snapshots = 0;
    std::shared_ptr<const SelectionSnapshot> selection;
    for (std::size_t t = 0; t < kTicks; ++t, now += 20ms) {
      speakers.push(engine, t, now);
      engine.tick(now, out);
      if (out.selection) {
        ++snapshots;
        selection = out.selection;
      }
      if (const ChannelTick* tick = find_tick(out, kPlenary)) {
        REQUIRE(tick->frame_count <= 2);
        bystander.take(*tick);
        speaker_one.take(*tick);
      }
    }
    REQUIRE(selection);
    const ChannelSelection* plenary = selection->find(kPlenary);
    REQUIRE(plenary != nullptr);
    CHECK(plenary->selected == std::vector<SessionId>{1, 2, 3});
    CHECK_FALSE(plenary->push_to_talk);
    CHECK(selection->find(kPlenary + 1) == nullptr);
    CHECK(snapshots <= 5);  // published on change only, not every tick

    const auto shared = bystander.last(60);
    const auto minus = speaker_one.last(60);
    for (std::size_t i = 0; i < voices.size(); ++i) {
      CAPTURE(voices[i].first);
      if (i < 3) {
        CHECK(test::tone_power(shared, voices[i].first) > -30.0);
      } else {
        CHECK(test::tone_power(shared, voices[i].first) < -55.0);
      }
    }
    CHECK(test::tone_power(minus, 400.0) < -55.0);  // speaker 1's N-1 lacks its own tone
    CHECK(test::tone_power(minus, 650.0) > -30.0);
    CHECK(test::tone_power(minus, 900.0) > -30.0);

    const EngineCounters& c = engine.counters();
    CHECK(c.ticks == kTicks);
    CHECK(c.frames_in == voices.size() * kTicks);
    CHECK(c.frames_mixed > 3 * (kTicks - 10));
    CHECK(c.mixes_encoded <= 2 * kTicks);
  }

  TEST_CASE("silence through the engine: the mix ends with a terminator, then no frames") {
    Speakers speakers;
    speakers.add(1, test::tone(500.0, -20.0, 50 * kFrameSamples));
    EngineChannel channel;
    channel.channel = kPlenary;
    channel.mix_listeners = {7};
    AudioEngine engine;
    engine.set_snapshot(one_channel(channel));
    TickOutput out;
    Clock::time_point now{};
    std::size_t sent = 0;
    std::size_t terminators = 0;
    std::size_t after_terminator = 0;
    for (std::size_t t = 0; t < 150; ++t, now += 20ms) {
      speakers.push(engine, t, now);
      engine.tick(now, out);
      if (const ChannelTick* tick = find_tick(out, kPlenary)) {
        ++sent;
        after_terminator += terminators;
        terminators += tick->terminator ? 1 : 0;
      }
    }
    CHECK(sent > 50);
    CHECK(terminators == 1);
    CHECK(after_terminator == 0);
  }

  TEST_CASE("frames for channels not in the snapshot are dropped, a speaker moving is reset") {
    Speakers speakers;
    speakers.add(1, test::tone(500.0, -20.0, 10 * kFrameSamples), kPlenary + 1);
    EngineChannel channel;
    channel.channel = kPlenary;
    AudioEngine engine;
    engine.set_snapshot(one_channel(channel));
    TickOutput out;
    speakers.push(engine, 0, Clock::time_point{});
    engine.tick(Clock::time_point{}, out);
    CHECK(engine.counters().frames_dropped == 1);
    CHECK(out.ticks.empty());
    REQUIRE(out.selection);  // the first tick publishes the channel's (empty) selection
    CHECK(out.selection->channels.size() == 1);
  }

  TEST_CASE("a speaker whose frames name another engine channel moves there") {
    const auto voice = test::tone(500.0, -20.0, 100 * kFrameSamples);
    const auto packets = test::encode_opus(voice, 20);
    auto snapshot = std::make_shared<EngineSnapshot>();
    for (const ChannelId id : {kPlenary, kPlenary + 1}) {
      EngineChannel c;
      c.channel = id;
      snapshot->channels.push_back(c);
    }
    AudioEngine engine;
    engine.set_snapshot(snapshot);
    TickOutput out;
    Clock::time_point now{};
    std::shared_ptr<const SelectionSnapshot> selection;
    const auto run = [&](ChannelId channel, std::size_t from, std::size_t to) {
      for (std::size_t t = from; t < to; ++t, now += 20ms) {
        SpeakerFrame frame;
        frame.speaker = 4;
        frame.channel = channel;
        frame.frame_number = 2 * t;
        frame.arrival = now;
        frame.size = static_cast<std::uint16_t>(packets[t].size());
        std::memcpy(frame.opus.data(), packets[t].data(), packets[t].size());
        engine.push(frame);
        engine.tick(now, out);
        if (out.selection) {
          selection = out.selection;
        }
      }
    };
    run(kPlenary, 0, 30);
    REQUIRE(selection);
    CHECK(selection->find(kPlenary)->selected == std::vector<SessionId>{4});
    CHECK(selection->find(kPlenary + 1)->selected.empty());
    run(kPlenary + 1, 30, 60);
    CHECK(selection->find(kPlenary)->selected.empty());
    CHECK(selection->find(kPlenary + 1)->selected == std::vector<SessionId>{4});
    // The channel leaves the snapshot: its speaker and selection go with it.
    auto fewer = std::make_shared<EngineSnapshot>();
    fewer->channels.push_back(snapshot->channels[0]);
    engine.set_snapshot(fewer);
    engine.tick(now, out);
    REQUIRE(out.selection);
    CHECK(out.selection->channels.size() == 1);
    CHECK(out.selection->find(kPlenary + 1) == nullptr);
  }

  TEST_CASE("push-to-talk: ptt is on at once, auto switches on above the threshold, off when quiet") {
    SUBCASE("ptt") {
      EngineChannel channel;
      channel.channel = kPlenary;
      channel.transmit = TransmitPolicy::Ptt;
      AudioEngine engine;
      engine.set_snapshot(one_channel(channel));
      TickOutput out;
      engine.tick(Clock::time_point{}, out);
      REQUIRE(out.notices.size() == 1);
      CHECK(out.notices[0].kind == EngineNotice::Kind::PushToTalkOn);
      REQUIRE(out.selection);
      CHECK(out.selection->find(kPlenary)->push_to_talk);
      engine.tick(Clock::time_point{} + 20ms, out);
      CHECK(out.notices.empty());
      CHECK_FALSE(out.selection);
    }
    SUBCASE("auto") {
      constexpr std::size_t kTalk = 150;  // 3 s
      Speakers speakers;
      for (SessionId id = 1; id <= 4; ++id) {
        speakers.add(id, test::tone(300.0 + 200.0 * id, -20.0, kTalk * kFrameSamples));
      }
      EngineChannel channel;
      channel.channel = kPlenary;
      channel.transmit = TransmitPolicy::Auto;
      channel.auto_ptt_open_mics = 2;
      AudioEngine engine;
      engine.set_snapshot(one_channel(channel));
      TickOutput out;
      Clock::time_point now{};
      std::vector<std::pair<std::size_t, EngineNotice::Kind>> seen;
      for (std::size_t t = 0; t < kTalk + 1800; ++t, now += 20ms) {
        speakers.push(engine, t, now);
        engine.tick(now, out);
        for (const EngineNotice& n : out.notices) {
          CHECK(n.channel == kPlenary);
          seen.emplace_back(t, n.kind);
        }
      }
      REQUIRE(seen.size() == 2);
      CHECK(seen[0].second == EngineNotice::Kind::PushToTalkOn);
      CHECK(seen[0].first >= 50);   // crowded for 1 s first
      CHECK(seen[0].first < kTalk);
      CHECK(seen[1].second == EngineNotice::Kind::PushToTalkOff);
      CHECK(seen[1].first >= kTalk + 1500);  // 30 s of quiet
    }
  }

  TEST_CASE("under ptt a steady noise-only microphone is stopped and its user told once") {
    constexpr std::size_t kTicks = 1000;  // 20 s
    Speakers speakers;
    speakers.add(3, test::white_noise(-30.0, kTicks * kFrameSamples, 4));
    EngineChannel channel;
    channel.channel = kPlenary;
    channel.transmit = TransmitPolicy::Ptt;
    channel.mix_listeners = {9};
    AudioEngine engine;
    engine.set_snapshot(one_channel(channel));
    TickOutput out;
    Clock::time_point now{};
    std::size_t open_mic_notices = 0;
    bool blocked = false;
    std::shared_ptr<const SelectionSnapshot> selection;
    for (std::size_t t = 0; t < kTicks; ++t, now += 20ms) {
      speakers.push(engine, t, now);
      engine.tick(now, out);
      for (const EngineNotice& n : out.notices) {
        if (n.kind == EngineNotice::Kind::OpenMicrophone) {
          CHECK(n.session == 3);
          ++open_mic_notices;
        }
      }
      if (out.selection) {
        selection = out.selection;
        const ChannelSelection* plenary = selection->find(kPlenary);
        if (plenary->blocked == std::vector<SessionId>{3}) {
          blocked = true;
          CHECK(plenary->selected.empty());
        }
      }
      // Stopped: nothing of it is mixed once it is blocked.
      if (blocked && t + 1 < kTicks) {
        CHECK(find_tick(out, kPlenary) == nullptr);
      }
    }
    CHECK(open_mic_notices == 1);
    CHECK(blocked);
    // Its transmission ended (the terminator): no longer blocked.
    REQUIRE(selection);
    CHECK(selection->find(kPlenary)->blocked.empty());
  }
}

}  // namespace
}  // namespace plenum::server::audio
