// VoiceReceiver: every remote speaker's stream, mixed into one 20 ms frame per tick. Owned by
// the audio side (headless loop or TUI), on the connection's executor; the clock is passed in.
#pragma once

#include "protocol/codec/jitter_buffer.hpp"
#include "client-cli/core/received_voice.hpp"
#include "client-cli/core/remote_speaker.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>

namespace plenum::client {

struct ReceiveStats {
  std::uint64_t packets = 0;   // voice packets handed in (invalid ones included)
  std::uint64_t invalid = 0;   // not an Opus packet
  protocol::codec::JitterStats jitter;          // summed over speakers; jitter_ms is the largest
};

class VoiceReceiver {
 public:
  using Clock = std::chrono::steady_clock;

  explicit VoiceReceiver(protocol::codec::JitterConfig config = {}) : config_(config) {}

  void on_voice(const ReceivedVoice& voice, Clock::time_point arrival);
  // Mixes the next 20 ms of every speaker into out (kFrameSamples, cleared first), clipped to
  // -1..1. Returns true when anyone was audible.
  bool render(std::span<float> out, Clock::time_point now);

  // Deafened: incoming voice is dropped (and not counted).
  void set_deafened(bool deafened) noexcept { deafened_ = deafened; }
  bool talking(std::uint32_t session) const;
  // The user left: its speaker goes (its counters stay in stats()).
  void forget(std::uint32_t session);
  ReceiveStats stats() const;

 private:
  protocol::codec::JitterConfig config_;
  std::map<std::uint32_t, std::unique_ptr<RemoteSpeaker>> speakers_;
  ReceiveStats retired_;  // counters of speakers already forgotten
  std::uint64_t packets_ = 0;
  std::uint64_t invalid_ = 0;
  bool deafened_ = false;
};

// Adds b's counters to a (jitter_ms: the larger).
void accumulate(protocol::codec::JitterStats& a, const protocol::codec::JitterStats& b);

}  // namespace plenum::client
