// EngineFeed: the voice plane's queues of speaker frames to the audio engine, one bounded
// single-producer/single-consumer ring per voice shard (STYLE.md §3): the shard's thread copies
// an engine channel's Opus frame in once, the engine thread drains every ring each tick. A full
// ring drops the frame (counted by the shard): the voice thread never waits for the engine.
// Owned by the VoicePlane; each ring's producer side belongs to its shard's thread, every
// consumer side to the engine thread.
#pragma once

#include "server/audio/engine_frames.hpp"
#include "server/voice/spsc_ring.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace plenum::server::voice {

using EngineRing = SpscRing<audio::SpeakerFrame>;

class EngineFeed {
 public:
  // 300 speakers send 15,000 frames a second: 1,024 slots hold about 68 ms of them, over three
  // ticks, at 1.1 KB a slot.
  static constexpr std::size_t kRingSlots = 1024;

  explicit EngineFeed(std::size_t shards);

  EngineRing& ring(std::size_t shard) noexcept { return *rings_[shard]; }
  // Engine thread: every frame waiting in any ring, ring by ring in arrival order.
  void drain(const std::function<void(const audio::SpeakerFrame&)>& take);

 private:
  std::vector<std::unique_ptr<EngineRing>> rings_;
};

}  // namespace plenum::server::voice
