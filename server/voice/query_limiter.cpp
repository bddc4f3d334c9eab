#include "server/voice/query_limiter.hpp"

#include <algorithm>
#include <random>

namespace plenum::server::voice {

namespace {

// An IPv6 host usually owns a whole /64: count it as one source. IPv4 (v4-mapped) stays whole.
IpKey source_key(const IpKey& ip) noexcept {
  static constexpr IpKey kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.begin() + 12, ip.begin())) return ip;
  IpKey prefix{};
  std::copy_n(ip.begin(), 8, prefix.begin());
  return prefix;
}

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

QueryLimiter::QueryLimiter(QueryLimits limits, Clock::time_point now)
    : limits_{limits},
      hash_{random_seed()},
      global_{static_cast<double>(limits.replies_per_second), now},
      overflow_{static_cast<double>(limits.per_source_burst), now} {}

QueryLimiter::Bucket* QueryLimiter::bucket_of(const IpKey& source, Clock::time_point now) noexcept {
  const std::size_t set = hash_(source) % kSets;
  Slot* const first = slots_.data() + set * kWays;
  Slot* free = nullptr;
  for (Slot* slot = first; slot != first + kWays; ++slot) {
    if (slot->used && slot->source == source) return &slot->bucket;
    if (free == nullptr && !slot->used) free = slot;
  }
  const auto burst = static_cast<double>(limits_.per_source_burst);
  if (free == nullptr) {
    // A slot whose bucket has refilled completely holds nothing a new entry would not.
    for (Slot* slot = first; slot != first + kWays && free == nullptr; ++slot) {
      slot->bucket.refill(static_cast<double>(limits_.per_source_per_second), burst, now);
      if (slot->bucket.tokens >= burst) free = slot;
    }
  }
  if (free == nullptr) return &overflow_;
  *free = Slot{source, true, Bucket{burst, now}};
  return &free->bucket;
}

bool QueryLimiter::allow(const IpKey& source, Clock::time_point now) noexcept {
  global_.refill(static_cast<double>(limits_.replies_per_second),
                 static_cast<double>(limits_.replies_per_second), now);
  if (global_.tokens < 1) return false;
  Bucket* bucket = bucket_of(source_key(source), now);
  bucket->refill(static_cast<double>(limits_.per_source_per_second),
                 static_cast<double>(limits_.per_source_burst), now);
  if (bucket->tokens < 1) return false;
  bucket->tokens -= 1;
  global_.tokens -= 1;
  return true;
}

}  // namespace plenum::server::voice
