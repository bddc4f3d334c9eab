// RemoteSpeaker: one remote user's voice on its way to the mix: jitter buffer, Opus decoder
// (with FEC and PLC for what the buffer reports missing) and the decoded samples not yet
// mixed. Owned by the VoiceReceiver, on the audio executor.
#pragma once

#include "protocol/codec/jitter_buffer.hpp"
#include "protocol/codec/opus_codec.hpp"
#include "client-cli/core/received_voice.hpp"

#include <array>
#include <chrono>
#include <span>
#include <vector>

namespace plenum::client {

class RemoteSpeaker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RemoteSpeaker(protocol::codec::JitterConfig config) : jitter_(config) {}

  // False when the packet is not a valid Opus packet (dropped).
  bool push(const ReceivedVoice& voice, Clock::time_point arrival);
  // Adds the next 20 ms of this speaker (kFrameSamples) into mix; false when it is silent.
  bool mix_into(std::span<float> mix, Clock::time_point now);

  bool talking() const noexcept { return talking_; }
  const protocol::codec::JitterBuffer& jitter() const noexcept { return jitter_; }

 private:
  bool refill(Clock::time_point now);

  protocol::codec::JitterBuffer jitter_;
  protocol::codec::OpusVoiceDecoder decoder_;
  std::vector<float> pending_;  // decoded, not yet mixed
  std::array<float, protocol::codec::kMaxFrameSamples> scratch_{};
  bool talking_ = false;
};

}  // namespace plenum::client
