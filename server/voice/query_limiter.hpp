// QueryLimiter: how many unauthenticated server-query pings (MUMBLE_PROTOCOL.md §4.5) get an
// answer. The reply is twice the request's size and its source address is unverified, so without
// a cap the server reflects and amplifies a spoofed flood at a victim. A token bucket per source
// (IPv6 by /64) in a bounded table, plus one global bucket. Owned by the VoiceRelay (voice
// thread); the time is passed in.
#pragma once

#include "server/voice/endpoint_index.hpp"
#include "server/voice/token_bucket.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace plenum::server::voice {

// The server sets these from the ini keys query_replies_per_second, query_per_source_per_second
// and query_per_source_burst (config::NetworkConfig, same defaults).
struct QueryLimits {
  // All sources together; a second's worth may come at once. Murmur's server list pings each
  // entry every few seconds, so a thousand replies a second is a very popular server.
  std::uint32_t replies_per_second = 1000;
  // One source: a client sends both query forms per round, a NAT hides a few clients.
  std::uint32_t per_source_per_second = 5;
  std::uint32_t per_source_burst = 20;
};

class QueryLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // Sources tracked at once: kSets sets of kWays slots (32 bytes each, 128 KiB in all).
  static constexpr std::size_t kSets = 1024;
  static constexpr std::size_t kWays = 4;

  QueryLimiter(QueryLimits limits, Clock::time_point now);

  // Takes a reply token for a query from `source`; false: drop the query unanswered.
  bool allow(const IpKey& source, Clock::time_point now) noexcept;
  // A reload's new limits; every bucket refills at the new rates from the next query on.
  void set_limits(QueryLimits limits) noexcept { limits_ = limits; }

 private:
  using Bucket = TokenBucket;
  struct Slot {
    IpKey source{};
    bool used = false;
    Bucket bucket;
  };

  Bucket* bucket_of(const IpKey& source, Clock::time_point now) noexcept;

  QueryLimits limits_;
  KeyedHash hash_;
  Bucket global_;
  // Sources that found no slot (every way of their set busy) share this one: a flood from
  // many addresses can fill the table, but it cannot buy anyone a fresh bucket.
  Bucket overflow_;
  std::array<Slot, kSets * kWays> slots_{};
};

}  // namespace plenum::server::voice
