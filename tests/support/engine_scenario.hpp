// EngineScenario: a plenary for the audio engine alone, with no sockets: S speakers in one
// channel, each sending a 20 ms Opus packet per tick of its own tone (distinct frequency, levels
// spread over 30 dB, so the gates open and the selection has work to do; on a steady tone the
// adaptive noise floor slowly rises, so a few gates close during a run, but every speaker is
// still decoded every tick), and every speaker
// listening in `mix` (k N-1 encodes plus the shared one: the worst case). Used by
// tests/bench/engine_tick_bench.cpp and plenum-engine-probe (tests/load/engine_probe_main.cpp);
// header only, because the two are built in different trees of the build. Single thread.
#pragma once

#include "protocol/codec/opus_codec.hpp"
#include "server/audio/audio_engine.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

namespace plenum::test {

class EngineScenario {
 public:
  using Clock = server::audio::Clock;
  static constexpr server::audio::ChannelId kChannel = 1;
  // Packets per speaker, replayed in a loop: 0.5 s of each tone.
  static constexpr std::size_t kLoop = 25;

  // mix: every speaker listens in `mix` (k N-1 encodes plus the shared one); otherwise nobody
  // does (a `topk`-only channel: decode, gate and select, no mixing).
  EngineScenario(std::size_t speakers, std::uint32_t k, bool mix = true,
                 int speaker_bitrate_bps = 32000) {
    using protocol::codec::kFrameSamples;
    auto snapshot = std::make_shared<server::audio::EngineSnapshot>();
    server::audio::EngineChannel channel;
    channel.channel = kChannel;
    channel.k = k;
    for (std::size_t i = 0; i < speakers; ++i) {
      const auto id = static_cast<server::audio::SessionId>(i + 1);
      if (mix) {
        channel.mix_listeners.push_back(id);
      }
      protocol::codec::OpusVoiceEncoder encoder(speaker_bitrate_bps);
      const double hz = 150.0 + 17.0 * static_cast<double>(i);
      const double amplitude = std::pow(10.0, (-10.0 - static_cast<double>(i % 30)) / 20.0);
      std::vector<float> pcm(kFrameSamples);
      std::vector<protocol::Bytes> packets;
      for (std::size_t p = 0; p < kLoop; ++p) {
        for (std::size_t s = 0; s < kFrameSamples; ++s) {
          const double t = static_cast<double>(p * kFrameSamples + s) / protocol::codec::kSampleRate;
          pcm[s] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * hz * t));
        }
        protocol::Bytes packet(server::audio::kMaxMixPacketBytes);
        packet.resize(encoder.encode(pcm, packet));
        packets.push_back(std::move(packet));
      }
      packets_.push_back(std::move(packets));
    }
    snapshot->channels.push_back(std::move(channel));
    engine_.set_snapshot(std::move(snapshot));
  }

  // One tick's packets (one per speaker), as the engine thread drains them from its ring.
  void push(std::size_t tick, Clock::time_point now) {
    server::audio::SpeakerFrame frame;
    frame.channel = kChannel;
    frame.arrival = now;
    frame.frame_number = 2 * tick;
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      const protocol::Bytes& packet = packets_[i][tick % kLoop];
      frame.speaker = static_cast<server::audio::SessionId>(i + 1);
      frame.size = static_cast<std::uint16_t>(packet.size());
      std::memcpy(frame.opus.data(), packet.data(), packet.size());
      engine_.push(frame);
    }
  }
  void tick(Clock::time_point now) { engine_.tick(now, out_); }

  server::audio::AudioEngine& engine() noexcept { return engine_; }
  const server::audio::TickOutput& output() const noexcept { return out_; }

 private:
  std::vector<std::vector<protocol::Bytes>> packets_;
  server::audio::AudioEngine engine_;
  server::audio::TickOutput out_;
};

}  // namespace plenum::test
