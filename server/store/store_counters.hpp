// StoreCounters: what the store thread did with the writes posted to it, and how long its
// commits took. Written by the Store on the store thread after each batch; handed out as copies
// (the metrics board).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace plenum::server::store {

struct StoreCounters {
  // Upper bounds of the commit-latency buckets, in seconds. A batch on a local disk with WAL
  // commits in well under a millisecond; a slow or full disk shows up in the upper buckets.
  static constexpr std::array<double, 8> kLatencyBounds{0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};

  std::uint64_t writes_committed = 0;
  std::uint64_t writes_failed = 0;
  std::uint64_t batches = 0;  // transactions, one per wake-up of the store thread
  // Per bucket (not cumulative): batches whose commit took at most the bound and more than
  // the previous one; the last entry counts those above the last bound.
  std::array<std::uint64_t, kLatencyBounds.size() + 1> latency_buckets{};
  double latency_seconds_sum = 0;

  void record_batch(std::chrono::steady_clock::duration took) noexcept {
    const double seconds = std::chrono::duration<double>(took).count();
    std::size_t bucket = 0;
    while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
    ++latency_buckets[bucket];
    latency_seconds_sum += seconds;
    ++batches;
  }
};

}  // namespace plenum::server::store
