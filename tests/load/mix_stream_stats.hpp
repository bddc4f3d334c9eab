// MixStreamStats: one listener's view of the virtual mix user's stream: frames received, frames
// lost (gaps in its frame numbers) and frames late (arrival spacing far beyond their duration,
// which a listener's jitter buffer would have to absorb). Part of that listener's
// ListenerStats, on the generator's thread.
#pragma once

#include <cstdint>

namespace plenum::load {

class MixStreamStats {
 public:
  // A frame counts as late when it arrives more than this after its due time, taken from the
  // previous frame's arrival plus the audio between them.
  static constexpr std::uint64_t kLateNs = 20'000'000;

  // One mix packet: its frame number (10 ms units), its duration in 10 ms units (0 for an
  // unreadable packet: treated as 2), whether it ends a transmission, and its kernel arrival.
  void add(std::uint64_t frame_number, std::uint32_t units, bool terminator, std::uint64_t arrival_ns);

  std::uint64_t frames() const noexcept { return frames_; }
  std::uint64_t lost() const noexcept { return lost_; }
  std::uint64_t late() const noexcept { return late_; }
  std::uint64_t reordered() const noexcept { return reordered_; }

 private:
  bool have_previous_ = false;
  std::uint64_t step_ = 0;  // frame-number advance per packet, learnt from the first two
  std::uint64_t previous_frame_number_ = 0;
  std::uint64_t previous_arrival_ns_ = 0;
  std::uint32_t previous_units_ = 2;
  std::uint64_t frames_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t late_ = 0;
  std::uint64_t reordered_ = 0;
};

}  // namespace plenum::load
