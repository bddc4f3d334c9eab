// SendFloorResult: what one plenum-sendfloor run measured, and its JSON form (flat, one key per
// line, like plenum-load's report, so scripts/bench reads both the same way). Plain value.
#pragma once

#include <cstdint>
#include <string>

namespace plenum::load {

struct SendFloorResult {
  std::uint64_t datagrams = 0;  // sent in the timed batches
  std::uint64_t received = 0;   // of them, drained from the receivers (short: some were dropped)
  std::uint32_t receivers = 0;
  std::uint32_t batch = 0;
  std::uint32_t size = 0;
  bool pktinfo = false;
  double send_cpu_s = 0;  // the sending thread's CPU inside sendmmsg, user + system

  double cpu_us_per_datagram() const noexcept {
    return datagrams > 0 ? send_cpu_s * 1e6 / static_cast<double>(datagrams) : 0.0;
  }
};

std::string to_json(const SendFloorResult& result);

}  // namespace plenum::load
