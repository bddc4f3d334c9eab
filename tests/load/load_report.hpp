// LoadReport: the result of one plenum-load run and its JSON form (flat, one key per line,
// so scripts/bench can read it with jq or awk). Plain value.
#pragma once

#include <cstdint>
#include <string>

namespace plenum::load {

struct LatencySummary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // microseconds
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
