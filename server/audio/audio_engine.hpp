// AudioEngine: the plenary audio engine's logic for every engine channel (DESIGN.md §2, §4): per
// speaker a SpeakerInput (jitter buffer, Opus decode with PLC/FEC, level, adaptive gate), then
// per channel each tick SpeakerSelector (the k loudest, priority and floor holders always),
// even loudness for the selected, Mixer (float sum, soft limiter; one shared mix and one N-1 mix
// per selected speaker who listens in `mix`), MixEncoder (Opus, one encode per distinct mix).
// No threads and no clock of its own: AudioPlane calls it on the engine thread every 20 ms, and
// tests call it by hand. Owned by AudioPlane; engine thread only.
#pragma once

#include "server/audio/engine_frames.hpp"

#include <memory>
#include <vector>

namespace plenum::server::audio {

// What one tick produced. Reused across ticks (tick() clears it), so steady state allocates
// nothing beyond the selection snapshot published when a selection changes.
struct TickOutput {
  std::vector<ChannelTick> ticks;     // one per engine channel with something to send
  std::vector<EngineNotice> notices;
  // Set only in a tick where some channel's selection, blocked set or policy changed.
  std::shared_ptr<const SelectionSnapshot> selection;
};

class AudioEngine {
 public:
  AudioEngine();
  ~AudioEngine();
  AudioEngine(const AudioEngine&) = delete;
  AudioEngine& operator=(const AudioEngine&) = delete;

  // The channels to work on. Speakers of channels no longer listed are dropped at the next tick.
  void set_snapshot(std::shared_ptr<const EngineSnapshot> snapshot);
  // One packet of a speaker; frames for channels the snapshot does not list are dropped (counted).
  void push(const SpeakerFrame& frame);
  // One 20 ms step at `now`.
  void tick(Clock::time_point now, TickOutput& out);

  const EngineCounters& counters() const noexcept;

 private:
  // Speakers (one SpeakerInput each) and channels (one ChannelMix and PushToTalkSwitch each):
  // in the .cpp, so the engine's users do not compile libopus' and libebur128's headers.
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plenum::server::audio
