#include "tests/load/speaker_schedule.hpp"

namespace plenum::load {

SpeakerSchedule::SpeakerSchedule(std::uint32_t speakers) : slots_(kSlots) {
  for (std::uint32_t k = 0; k < speakers; ++k) {
    const auto slot = static_cast<std::size_t>(std::uint64_t{k} * kSlots / speakers);
    slots_[slot].push_back(k);
  }
}

}  // namespace plenum::load
