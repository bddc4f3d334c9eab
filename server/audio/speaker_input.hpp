// SpeakerInput: one speaker's audio on its way into the engine: jitter buffer, Opus decode (in-band
// FEC when the packet after a gap carries it, PLC otherwise), the level of each 20 ms frame, the
// speaker's adaptive noise floor and voice gate, and open-microphone detection under
// push-to-talk. Owned by AudioEngine, engine thread only; the clock is passed in.
//
// Packets of any Opus duration (10-60 ms, and multi-frame packets, codes 1-3) go in; exactly
// 20 ms comes out per next(). libopus decodes a multi-frame packet in one call; what a 40/60 ms
// packet leaves over waits in a FIFO for the next ticks, and 10 ms packets are drawn two per tick.
//
// Jitter buffer: protocol/codec's JitterBuffer rather than SpeexDSP's jitter_buffer_*. It works
// in Mumble's own units (a frame number counts 10 ms), knows Mumble's stream rules (terminator,
// the sender's counter restarting after 5 s of silence), says whether a gap is one packet (FEC
// from the next) or longer (PLC), and is the one the client already runs and tests; SpeexDSP's
// would need all of that wrapped around it. Measured (tests/unit/server/audio/
// jitter_choice_test.cpp: 5 min of 20 ms packets per trace, the tick 7 ms off the sender, SpeexDSP
// at its default margin; packets played of those that arrived, mean send-to-playout delay):
//   loopback (0.3 ms jitter)            ours 100 %, 7 ms      SpeexDSP 100 %, 7 ms
//   LAN (3 ms, 0.2 % loss)              ours 100 %, 46 ms     SpeexDSP 99.97 %, 27 ms
//   Wi-Fi (8 ms, 2 % +60 ms, 1 % loss)  ours 99.84 %, 85 ms   SpeexDSP 98.46 %, 59 ms
//   mobile (20 ms, 5 % +120 ms, 3 %)    ours 98.62 %, 148 ms  SpeexDSP 98.85 %, 158 ms
// Neither dominates: on loopback they are equal; on LAN/Wi-Fi ours buys 6-10x fewer late packets
// with 20-26 ms more delay (it grows a tick on every late packet and gives one back only when 40 ms
// above its target). That shrink rule is what to tune if LAN speakers' latency matters.
#pragma once

#include "protocol/codec/jitter_buffer.hpp"
#include "protocol/codec/opus_codec.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/audio/noise_floor.hpp"
#include "server/audio/voice_gate.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace plenum::server::audio {

struct InputTuning {
  // The engine runs next to the voice plane: packets arrive over the LAN or loopback, and the
  // buffer adapts upwards from here (twice the measured jitter plus a tick) when the path is
  // worse. 20 ms is one packet: a mix can start as soon as the first packet is in.
  std::chrono::milliseconds jitter_min_delay{20};
  // Beyond this the oldest audio is dropped: a mix that lags the room by more is useless.
  std::chrono::milliseconds jitter_max_delay{200};
  // The gate opens at max(channel threshold, floor + margin). 10 dB: noise fluctuates a few dB
  // around its minimum, speech sits 20-40 dB above a headset's noise.
  float gate_margin_db = 10.0F;
  // Held open this long below the threshold (FreeSWITCH holds 800 ms, the issue asks 300-800):
  // 500 ms bridges the pauses between words without keeping a finished speaker selected.
  std::chrono::milliseconds hangover{500};
  // Push-to-talk: transmitting this long with the gate closed is an open microphone.
  std::chrono::seconds open_mic_after{8};
  // A transmission has stopped after this long without a packet (a sender that never sends its
  // terminator, or whose terminator was lost).
  std::chrono::milliseconds transmission_gap{1000};
  // Nothing received for this long and nothing left to play: the engine may drop the speaker
  // (and with it the learnt noise floor).
  std::chrono::seconds idle_after{60};
  NoiseFloorTuning floor{};
};

struct DecodedFrame {
  std::span<const float> pcm;   // exactly kFrameSamples (20 ms), valid until the next call; silence when !active; within ±1.0
  bool active = false;          // audio this tick (a packet, FEC or PLC inside a talk spurt)
  bool concealed = false;       // some of it came from FEC or PLC, not from a packet
  float level_dbfs = -120.0F;   // RMS level of this 20 ms frame
  float noise_floor_dbfs = -120.0F;  // the adaptive floor
  float threshold_dbfs = -120.0F;    // where the gate opens this tick
  bool gate_open = false;       // may be forwarded (topk) and mixed
  bool open_mic = false;        // stopped as an open microphone: not forwarded, not mixed
  bool open_mic_changed = false;  // open_mic differs from the previous tick: tell the user once
};

// What one speaker's input saw, beyond the engine-wide counters.
struct SpeakerInputStats {
  std::uint64_t invalid = 0;  // packets libopus cannot parse (dropped before the buffer)
};

class SpeakerInput {
 public:
  explicit SpeakerInput(const InputTuning& tuning = {});

  // One packet of this speaker, into the jitter buffer (copied: the frame is the ring's slot).
  void push(const SpeakerFrame& frame, EngineCounters& counters);
  // One 20 ms frame at `now`: jitter buffer -> Opus decode / in-band FEC when the next packet
  // has it / PLC for a gap -> level -> gate.
  DecodedFrame next(Clock::time_point now, float channel_gate_dbfs, bool push_to_talk,
                    EngineCounters& counters);
  // Nothing received for idle_after and nothing left to play: may be dropped.
  bool idle(Clock::time_point now) const noexcept;

  bool open_mic() const noexcept { return open_mic_; }
  const protocol::codec::JitterStats& jitter_stats() const noexcept { return jitter_.stats(); }
  const SpeakerInputStats& stats() const noexcept { return stats_; }

 private:
  static constexpr std::size_t kBlockSamples = 120;  // 2.5 ms, Opus' shortest frame
  // Less than a frame is left when a packet is decoded, and a packet holds at most 120 ms.
  static constexpr std::size_t kFifoSamples =
      protocol::codec::kFrameSamples + protocol::codec::kMaxFrameSamples;

  bool refill(Clock::time_point now);
  static void limit(std::span<float> pcm) noexcept;
  void append(std::size_t samples, bool concealed);
  bool take_frame(Clock::time_point now);
  bool transmitting(Clock::time_point now) noexcept;
  bool track_open_mic(Clock::time_point now, bool push_to_talk);

  // Passed by argument.
  InputTuning tuning_;

  // Allocated by this.
  protocol::codec::JitterBuffer jitter_;
  protocol::codec::OpusVoiceDecoder decoder_;
  NoiseFloor floor_;
  VoiceGate gate_;
  SpeakerInputStats stats_;

  // Decoded samples not yet handed out: [fifo_begin_, fifo_end_) of fifo_, and per 2.5 ms block
  // whether it was concealed (FEC/PLC) rather than decoded from its own packet.
  std::array<float, kFifoSamples> fifo_{};
  std::array<bool, kFifoSamples / kBlockSamples> fifo_concealed_{};
  std::size_t fifo_begin_ = 0;
  std::size_t fifo_end_ = 0;
  std::array<float, protocol::codec::kFrameSamples> out_{};  // the frame next() returned
  bool out_concealed_ = false;

  // Transmission and open-microphone state (push-to-talk).
  std::optional<Clock::time_point> last_arrival_;
  bool in_transmission_ = false;  // a packet since the last terminator
  std::optional<Clock::time_point> closed_since_;  // transmitting with the gate closed since
  bool open_mic_ = false;
};

}  // namespace plenum::server::audio
