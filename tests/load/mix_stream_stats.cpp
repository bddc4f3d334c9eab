#include "tests/load/mix_stream_stats.hpp"

namespace plenum::load {
namespace {

constexpr std::uint64_t kUnitNs = 10'000'000;  // frame numbers count 10 ms

}  // namespace

void MixStreamStats::add(std::uint64_t frame_number, std::uint32_t units, bool terminator,
                         std::uint64_t arrival_ns) {
  if (units == 0) {
    units = 2;
  }
  ++frames_;
  if (have_previous_ && frame_number < next_frame_number_) {
    // Behind the stream: a reordered or duplicated frame; it filled no counted gap.
    ++reordered_;
    return;
  }
  if (have_previous_) {
    const std::uint64_t missing_units = frame_number - next_frame_number_;
    lost_ += missing_units / units;
    const std::uint64_t due = previous_arrival_ns_ + (missing_units + previous_units_) * kUnitNs;
    if (arrival_ns > due + kLateNs) {
      ++late_;
    }
  }
  next_frame_number_ = frame_number + units;
  previous_arrival_ns_ = arrival_ns;
  previous_units_ = units;
  // After a terminator the sender may pause (DTX, nobody speaking): no gap to count then.
  have_previous_ = !terminator;
}

}  // namespace plenum::load
