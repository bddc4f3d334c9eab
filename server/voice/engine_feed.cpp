#include "server/voice/engine_feed.hpp"

namespace plenum::server::voice {

EngineFeed::EngineFeed(std::size_t shards) {
  rings_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) rings_.push_back(std::make_unique<EngineRing>(kRingSlots));
}

void EngineFeed::drain(const std::function<void(const audio::SpeakerFrame&)>& take) {
  for (auto& ring : rings_) {
    // Only what is there now: a speaker that outruns the engine cannot keep it here forever.
    for (std::size_t taken = 0; taken < ring->capacity(); ++taken) {
      const audio::SpeakerFrame* frame = ring->front();
      if (frame == nullptr) break;
      take(*frame);
      ring->pop();
    }
  }
}

}  // namespace plenum::server::voice
