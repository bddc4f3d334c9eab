// LoadReport: the result of one plenum-load run and its JSON form (flat, one key per line,
// so scripts/bench can read it with jq or awk). Plain value.
#pragma once

#include "tests/load/latency_histogram.hpp"
#include "tests/load/listener_tally.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plenum::load {

struct LatencySummary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // microseconds
};

LatencySummary summarize(const LatencyHistogram& histogram);

// The listeners (speakers left out) of one listener mode.
struct ModeSection {
  std::string mode;  // all | topk | mix
  ModeReport counts;
  // Forwarded packets these listeners received of those sent in the window, and their latency
  // (for `all` the run's deliveries; for `topk` the k loudest speakers' packets).
  std::uint64_t deliveries = 0;
  LatencySummary latency_us;
  // Mix only, from the decoding listeners: RMS level of the mix, the tones present in the
  // decoded audio of at least half of them (frequency and speaker index), the marked onsets'
  // latency (onset packet sent -> kernel receive time of the first mix frame holding it).
  std::uint32_t decoded_listeners = 0;
  double decoded_level_dbfs = -120;
  std::vector<double> tones_present_hz;
  std::vector<std::uint32_t> tones_present_speakers;
  std::uint64_t onsets_sent = 0;      // in the window
  std::uint64_t onsets_measured = 0;  // detections matched to one of those
  LatencySummary onset_latency_us;
};

struct LoadReport {
  std::string label;
  std::string server;  // "plenum", "murmur" or HOST:PORT
  std::uint32_t clients = 0;
  std::uint32_t speakers = 0;
  std::uint32_t connected = 0;
  std::uint32_t connect_failures = 0;
  bool connect_only = false;
  double connect_s = 0;
  double window_s = 0;

  std::uint64_t sent = 0;
  std::uint64_t deliveries = 0;
  double deliveries_per_s = 0;
  std::uint64_t expected = 0;
  std::uint64_t lost = 0;
  double loss_ratio = 0;
  LatencySummary latency_us;
  std::uint64_t tunnel_deliveries = 0;
  std::uint64_t foreign_voice = 0;
  std::uint64_t decrypt_failures = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t late_ticks = 0;
  std::uint64_t unmatched_voice = 0;
  std::uint64_t mix_packets = 0;

  // Real Opus and listener modes.
  int speaker_bitrate_bps = 0;
  std::uint32_t noise_speakers = 0;
  std::string listener_mode = "all";
  std::string mode_by = "command";
  std::uint32_t mode_switched = 0;   // clients that sent /mode
  std::uint32_t mode_confirmed = 0;  // clients in a non-default mode whose mode took effect
  std::uint32_t mode_awaited = 0;    // clients whose mode was awaited
  double mode_wait_s = 0;
  std::uint64_t mode_replies = 0;
  std::string mode_reply_sample;
  std::vector<ModeSection> modes;

  // Over the window, user + system. /proc's split between the two is tick-sampled, which on a
  // VM is noise at these rates: scripts/bench takes the user-space share from perf instead.
  double server_cpu_s = 0;
  double server_cpu_connect_s = 0;  // while connecting everyone
  double cpu_us_per_delivery = 0;
  std::uint64_t rss_kib_before = 0;
  std::uint64_t rss_kib_after = 0;
  double rss_kib_per_user = 0;
  double generator_cpu_s = 0;       // over the window
  double generator_cpu_share = 0;   // generator_cpu_s / window_s (1.0 = one core saturated)
  // Host CPU over the window spent by everything except the server and the generator (other
  // users of a shared machine), in cores: 1.0 = one core taken away from the measurement.
  double host_other_cpu_s = 0;
  double host_other_cores = 0;
};

// Derives the ratios (per second, per delivery, per user, loss) from the raw counts.
void finish_report(LoadReport& report);

std::string to_json(const LoadReport& report);

}  // namespace plenum::load
