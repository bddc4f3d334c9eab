#include "tests/load/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::load {
namespace {

constexpr std::size_t kBucketCount =
    static_cast<std::size_t>(LatencyHistogram::kRange / LatencyHistogram::kBucketWidth);
constexpr std::size_t kCoarseCount = static_cast<std::size_t>(
    (LatencyHistogram::kCoarseRange - LatencyHistogram::kRange) / LatencyHistogram::kCoarseWidth);

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0), coarse_(kCoarseCount + 1, 0) {}

void LatencyHistogram::record(std::chrono::nanoseconds latency) noexcept {
  const auto clamped = std::max(latency, std::chrono::nanoseconds{0});
  if (clamped < kRange) {
    ++buckets_[static_cast<std::size_t>(clamped / kBucketWidth)];
  } else {
    const auto index = static_cast<std::size_t>((clamped - kRange) / kCoarseWidth);
    ++coarse_[std::min(index, kCoarseCount)];
  }
  ++count_;
  max_ = std::max(max_, clamped);
}

std::chrono::microseconds LatencyHistogram::percentile(double q) const noexcept {
  if (count_ == 0) {
    return std::chrono::microseconds{0};
  }
  // The rank of the q-quantile, 1-based: the smallest value with at least q·count at or below.
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_));
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return kBucketWidth * static_cast<std::int64_t>(i + 1);
    }
  }
  for (std::size_t i = 0; i < kCoarseCount; ++i) {
    seen += coarse_[i];
    if (seen >= rank) {
      return kRange + kCoarseWidth * static_cast<std::int64_t>(i + 1);
    }
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(max_);
}

}  // namespace plenum::load
