// SpeakerSchedule: which speakers send in which 1 ms slot of the 20 ms voice frame, so that S
// speakers are spread evenly across the frame instead of bursting together. Plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plenum::load {

class SpeakerSchedule {
 public:
  static constexpr std::size_t kSlots = 20;  // 1 ms slots in a 20 ms Opus frame

  // Speakers are numbered 0..speakers-1; speaker k goes to slot floor(k * kSlots / speakers).
  explicit SpeakerSchedule(std::uint32_t speakers);

  // The speakers due in `slot` (taken modulo kSlots).
  const std::vector<std::uint32_t>& due(std::uint64_t slot) const noexcept {
    return slots_[static_cast<std::size_t>(slot % kSlots)];
  }

 private:
  std::vector<std::vector<std::uint32_t>> slots_;
};

}  // namespace plenum::load
