// BandwidthLimiter: Murmur's per-user voice bandwidth check (MUMBLE_PROTOCOL.md §8.2,
// ServerUser.cpp BandwidthRecord): a ring of the last 360 packet sizes and arrival times. One per
// voice session, owned by the voice thread; the time is passed in, so tests drive it by hand.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace plenum::server::voice {

class BandwidthLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kSlots = 360;
  // What a packet costs beyond its plaintext: IPv4 (20) + UDP (8) + crypto header (4) bytes.
  static constexpr std::size_t kPacketOverhead = 32;

  // A new session counts as having been silent for this long: every slot starts empty and
  // stamped `now - kIdleHistory`. Murmur stamps its slots at TCP connect; stamping them when the
  // voice thread adds the session made a first packet handled a fraction of a millisecond later
  // look like an infinite rate and dropped it. A burst is still held to one second's worth.
  static constexpr std::chrono::seconds kIdleHistory{1};

  explicit BandwidthLimiter(Clock::time_point now) noexcept;

  // Records a packet of `bytes` (overhead included) if the last 360 packets, this one included,
  // stay within `bytes_per_second` over the time since the oldest of them; false (drop the
  // packet, record nothing) otherwise. 0 bytes_per_second means unlimited.
  bool try_add(std::size_t bytes, std::uint32_t bytes_per_second, Clock::time_point now) noexcept;

 private:
  std::array<std::uint16_t, kSlots> sizes_{};
  std::array<Clock::time_point, kSlots> times_{};
  std::size_t next_ = 0;  // the oldest slot, overwritten by the next accepted packet
  std::uint64_t sum_ = 0;
};

}  // namespace plenum::server::voice
