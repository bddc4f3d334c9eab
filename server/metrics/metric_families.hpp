// metric_families: turns a MetricsReading into Prometheus metric families (names, help, type,
// labels) at scrape time. Pure; runs on the exposer's thread over a copy of the board.
//
// Why prometheus-cpp (Debian's prometheus-cpp-dev): it is the maintained C++ client of the
// Prometheus project's ecosystem, with its own HTTP server (civetweb) and text serializer, so
// Plenum writes neither an HTTP server nor the exposition format by hand. Plenum's counters
// already live on their owners' threads; a custom Collectable reads them from the board at
// scrape time instead of mirroring every counter into prometheus-cpp's own Counter objects.
//
// Privacy (DESIGN.md §5): labels are only message types, drop reasons and client versions,
// never user names, sessions or addresses.
#pragma once

#include "server/metrics/metrics_board.hpp"

#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace plenum::server::metrics {

// `resident_bytes`: the process's RSS, when it could be read.
std::vector<prometheus::MetricFamily> metric_families(const MetricsReading& reading,
                                                      std::optional<std::uint64_t> resident_bytes);

}  // namespace plenum::server::metrics
