// LoadCounters: what every simulated client adds to while the run goes on (deliveries,
// latency, errors). One instance per run, owned by LoadRun; touched only on the generator's
// single io_context thread, so plain integers.
#pragma once

#include "tests/load/latency_histogram.hpp"
#include "tests/load/probe_payload.hpp"

#include <chrono>
#include <cstdint>

namespace plenum::load {

struct LoadCounters {
  // Listeners count in-window probes only while this is set (window + cool-down).
  bool counting = false;

  std::uint64_t sent = 0;             // voice packets sent, whole run
  std::uint64_t window_sent = 0;      // of those, flagged in-window
  std::uint64_t window_deliveries = 0;
  std::uint64_t all_deliveries = 0;   // UDP probes received, whole run
  std::uint64_t tunnel_deliveries = 0;  // probes that came over TCP (UDPTunnel), whole run
  std::uint64_t foreign_voice = 0;    // voice that carries no probe of ours
  std::uint64_t decrypt_failures = 0;
  std::uint64_t send_errors = 0;      // UDP sends the kernel refused (EAGAIN, ...)
  std::uint64_t late_ticks = 0;       // speaker ticks that ran more than one slot late
  LatencyHistogram latency;

  void on_udp_probe(const Probe& probe, std::uint64_t now_ns) noexcept {
    ++all_deliveries;
    if (probe.in_window && counting) {
      ++window_deliveries;
      latency.record(std::chrono::nanoseconds(static_cast<std::int64_t>(now_ns - probe.sent_ns)));
    }
  }
};

// CLOCK_REALTIME in nanoseconds: the clock the probes carry. Realtime because it is the clock
// of the kernel's receive timestamps (SO_TIMESTAMPNS), which keep the generator's own
// scheduling delays out of the measured latency; one host, one clock, no skew.
std::uint64_t probe_clock_ns() noexcept;

}  // namespace plenum::load
