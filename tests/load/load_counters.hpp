// LoadCounters: what every simulated client adds to while the run goes on (deliveries and
// their latency per listener mode, the mix path's onset latency, errors). One instance per run, owned by LoadRun; touched only on the generator's
// single io_context thread, so plain integers.
#pragma once

#include "tests/load/latency_histogram.hpp"
#include "tests/load/listener_tally.hpp"
#include "tests/load/send_log.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace plenum::load {

struct LoadCounters {
  // Listeners count packets sent in the window only while this is set (window + cool-down).
  bool counting = false;
  // The measurement window itself: received bytes, packets, streams and mix frames count.
  bool window_open = false;

  std::uint64_t sent = 0;             // voice packets sent, whole run
  std::uint64_t window_sent = 0;      // of those, flagged in-window
  std::uint64_t window_deliveries = 0;
  std::uint64_t all_deliveries = 0;   // our speakers' packets received over UDP, whole run
  std::uint64_t tunnel_deliveries = 0;  // voice that came over TCP (UDPTunnel), whole run
  std::uint64_t foreign_voice = 0;    // undecodable voice, or voice from a silent client
  std::uint64_t unmatched_voice = 0;  // from a speaker, but a frame number it never sent
  std::uint64_t topk_deliveries = 0;  // in-window packets at topk listeners (and mix ones)
  std::uint64_t mix_packets = 0;      // from the virtual mix user, whole run
  std::uint64_t onsets_detected = 0;  // by the decoding mix listeners, whole run
  std::uint64_t mode_replies = 0;     // server text messages (answers to /mode)
  std::string mode_reply_sample;      // the first one, for the report
  std::uint64_t decrypt_failures = 0;
  std::uint64_t send_errors = 0;      // UDP sends the kernel refused (EAGAIN, ...)
  std::uint64_t late_ticks = 0;       // speaker ticks that ran more than one slot late
  LatencyHistogram latency;        // all-mode listeners: the run's deliveries
  LatencyHistogram topk_latency;   // listeners in other modes receiving forwarded packets
  LatencyHistogram mix_onset_latency;  // onset packet sent -> first mix frame carrying it

  void on_forwarded(ListenerMode mode, const SentPacket& packet, std::uint64_t now_ns) noexcept {
    ++all_deliveries;
    if (!packet.in_window || !counting) {
      return;
    }
    const std::chrono::nanoseconds latency_ns(static_cast<std::int64_t>(now_ns - packet.sent_ns));
    if (mode == ListenerMode::All) {
      ++window_deliveries;
      latency.record(latency_ns);
    } else {
      ++topk_deliveries;
      topk_latency.record(latency_ns);
    }
  }
};

// CLOCK_REALTIME in nanoseconds: the clock the probes carry. Realtime because it is the clock
// of the kernel's receive timestamps (SO_TIMESTAMPNS), which keep the generator's own
// scheduling delays out of the measured latency; one host, one clock, no skew.
std::uint64_t probe_clock_ns() noexcept;

}  // namespace plenum::load
