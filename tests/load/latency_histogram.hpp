// LatencyHistogram: one-way voice latencies in fixed buckets, 10 µs wide up to 1 s, then 1 ms
// wide up to 60 s (one overflow bucket above: a saturated server queues for seconds), so
// recording is one increment and percentiles need no sorting. Owned by the load generator's
// single thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace plenum::load {

class LatencyHistogram {
 public:
  static constexpr std::chrono::microseconds kBucketWidth{10};
  static constexpr std::chrono::microseconds kRange{1'000'000};
  static constexpr std::chrono::microseconds kCoarseWidth{1'000};
  static constexpr std::chrono::microseconds kCoarseRange{60'000'000};

  LatencyHistogram();

  // Negative latencies (clock skew cannot happen on one host, but a corrupt payload can)
  // land in the first bucket; anything from kCoarseRange up in the overflow bucket.
  void record(std::chrono::nanoseconds latency) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::chrono::nanoseconds max() const noexcept { return max_; }

  // The upper edge of the bucket that holds the q-quantile (0 < q <= 1); zero when empty.
  // The overflow bucket reports max().
  std::chrono::microseconds percentile(double q) const noexcept;

 private:
  std::vector<std::uint64_t> buckets_;  // [0, kRange) by kBucketWidth
  std::vector<std::uint64_t> coarse_;   // [kRange, kCoarseRange) by kCoarseWidth; last: overflow
  std::uint64_t count_ = 0;
  std::chrono::nanoseconds max_{0};
};

}  // namespace plenum::load
