// ChannelMix: one engine channel's selection, even loudness, mix and encode, once per 20 ms
// tick. Owned by AudioEngine (one per channel of the snapshot); engine thread.
//
// Streams: one shared mix for every `mix` listener who is not selected, plus one N-1 mix for
// each selected speaker who listens in `mix`, so at most (selected + 1) encodes per tick. A new
// N-1 stream starts as a byte copy of the shared stream's encoder and limiter, so its listener,
// whose decoder was playing the shared stream, hears no click at the switch. When its speaker
// leaves the selection the N-1 stream lingers `linger_ticks` more: it now carries the same
// signal as the shared one and the two encoders converge, so the switch back is smooth too;
// then it is dropped (bounded memory). Nothing is encoded while the channel has no `mix`
// listener (a `topk`-only channel costs only selection).
//
// Silence: when no selected speaker is heard (gate open) for `hangover_ticks`, the tick after
// that is the last one sent, with `terminator`; then no frames until someone is heard again,
// when the encoders restart from a clean state. Silence here means "nothing to mix" rather than
// "nobody selected": a forced speaker (the chair) is selected while silent.
#pragma once

#include "server/audio/engine_frames.hpp"
#include "server/audio/loudness_normalizer.hpp"
#include "server/audio/mix_encoder.hpp"
#include "server/audio/mixer.hpp"
#include "server/audio/soft_limiter.hpp"
#include "server/audio/speaker_selector.hpp"

#include <optional>
#include <span>
#include <vector>

namespace plenum::server::audio {

// One speaker's decoded frame this tick, as the channel needs it (from SpeakerInput::next).
struct HeardFrame {
  SessionId speaker = 0;
  std::span<const float> pcm;  // kFrameSamples; valid for this tick
  bool active = false;         // the speaker is transmitting (a stream is playing)
  bool gate_open = false;
  bool open_mic = false;
  float level_dbfs = -120.0F;
  float noise_floor_dbfs = -120.0F;
};

struct ChannelMixTuning {
  SelectionTuning selection;
  LoudnessTuning loudness;
  LimiterTuning limiter;
  float duck_db = -12.0F;
  std::size_t hangover_ticks = 10;  // 200 ms of silence before the terminator
  std::size_t linger_ticks = 10;    // an N-1 stream's life after its speaker left the selection
  std::chrono::seconds normalizer_keep{10};  // a deselected speaker's learned gain is kept
  int loss_percent = 10;            // the mix encoders' loss estimate for in-band FEC
};

class ChannelMix {
 public:
  explicit ChannelMix(const ChannelMixTuning& tuning = {});

  // One tick. `frames`: every speaker of the channel heard this tick, ascending by speaker.
  // Returns true when `out` holds frames to send (out.frame_count > 0).
  bool tick(const EngineChannel& channel, std::span<const HeardFrame> frames, bool push_to_talk,
            Clock::time_point now, ChannelTick& out, EngineCounters& counters);

  const std::vector<SessionId>& selected() const noexcept { return selector_.selected(); }
  const std::vector<SessionId>& blocked() const noexcept { return blocked_; }
  bool sending() const noexcept { return sending_; }
  // For tests: the gain the normaliser applies to a selected speaker (nullopt if none).
  std::optional<float> speech_gain_db(SessionId speaker) const noexcept;

 private:
  struct Stream {
    SessionId excluded = 0;
    MixEncoder encoder;
    SoftLimiter limiter;
    std::size_t linger = 0;
  };
  struct Normalized {
    SessionId speaker = 0;
    LoudnessNormalizer normalizer;
    Clock::time_point last_selected{};
  };

  void select(const EngineChannel& channel, std::span<const HeardFrame> frames,
              bool push_to_talk, Clock::time_point now);
  std::size_t gather_inputs(const EngineChannel& channel, std::span<const HeardFrame> frames,
                            Clock::time_point now);
  LoudnessNormalizer& normalizer(SessionId speaker, Clock::time_point now);
  void update_streams(const EngineChannel& channel);
  void encode(ChannelTick& out, EngineCounters& counters);
  void stop();

  ChannelMixTuning tuning_;
  SpeakerSelector selector_;
  Mixer mixer_;
  std::vector<SessionId> forced_;
  std::vector<SessionId> blocked_;
  std::vector<SelectionCandidate> candidates_;
  std::vector<Normalized> normalized_;  // selected speakers (and recently selected), by id
  std::vector<PcmFrame> normalized_pcm_;  // this tick's inputs at the common loudness
  std::vector<MixInput> inputs_;
  std::optional<Stream> shared_;
  std::vector<Stream> minus_;            // N-1 streams, by excluded id
  PcmFrame limited_{};
  bool sending_ = false;
  std::size_t silent_ticks_ = 0;
  std::uint64_t frame_number_ = 0;
};

}  // namespace plenum::server::audio
