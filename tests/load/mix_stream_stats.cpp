#include "tests/load/mix_stream_stats.hpp"

namespace plenum::load {
namespace {

constexpr std::uint64_t kUnitNs = 10'000'000;  // a packet's duration is counted in 10 ms units

}  // namespace

void MixStreamStats::add(std::uint64_t frame_number, std::uint32_t units, bool terminator,
                         std::uint64_t arrival_ns) {
  if (units == 0) {
    units = 2;
  }
  ++frames_;
  if (have_previous_ && step_ == 0) {
    // Mumble's frame numbers count 10 ms units (+2 per 20 ms packet); a sender that counts
    // packets (+1) is read as it counts, so its gaps are still gaps.
    const std::uint64_t diff = frame_number - previous_frame_number_;
    step_ = frame_number > previous_frame_number_ && diff < units ? diff : units;
  }
  if (have_previous_ && frame_number < previous_frame_number_ + step_) {
    // Behind the stream: a reordered or duplicated frame; it filled no counted gap.
    ++reordered_;
    return;
  }
  if (have_previous_) {
    const std::uint64_t missing = (frame_number - previous_frame_number_ - step_) / step_;
    lost_ += missing;
    const std::uint64_t due = previous_arrival_ns_ + (missing + 1) * previous_units_ * kUnitNs;
    if (arrival_ns > due + kLateNs) {
      ++late_;
    }
  }
  previous_frame_number_ = frame_number;
  previous_arrival_ns_ = arrival_ns;
  previous_units_ = units;
  // After a terminator the sender may pause (DTX, nobody speaking): no gap to count then.
  have_previous_ = !terminator;
}

}  // namespace plenum::load
