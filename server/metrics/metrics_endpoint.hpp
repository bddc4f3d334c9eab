// MetricsEndpoint: the optional Prometheus endpoint (`metrics_address`). A prometheus-cpp
// Exposer (its own civetweb HTTP thread) serves GET /metrics; at each scrape a Collectable reads
// the MetricsBoard and the process's RSS, and nothing else (see metric_families.hpp for why this
// library). Owned by the Server; built on the control thread, scraped on the exposer's thread.
#pragma once

#include "server/metrics/metrics_board.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace prometheus {
class Exposer;
class Collectable;
}  // namespace prometheus

namespace plenum::server::metrics {

class MetricsEndpoint {
 public:
  // Listens on `address` ("127.0.0.1:9477", "[::1]:9477"; port 0 = any free port). Throws
  // std::runtime_error naming the address when it cannot listen there.
  MetricsEndpoint(const std::string& address, const MetricsBoard& board);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port actually bound (the one asked for, or the kernel's choice for port 0).
  std::uint16_t port() const;

 private:
  std::shared_ptr<prometheus::Collectable> collectable_;
  std::unique_ptr<prometheus::Exposer> exposer_;  // after collectable_: stops serving first
};

}  // namespace plenum::server::metrics
