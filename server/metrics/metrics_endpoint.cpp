#include "server/metrics/metrics_endpoint.hpp"

#include "server/metrics/metric_families.hpp"
#include "server/metrics/process_memory.hpp"

#include <fmt/core.h>
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <stdexcept>
#include <vector>

namespace plenum::server::metrics {

namespace {

// Runs on the exposer's thread: reads only the board (under its mutex) and /proc.
class BoardCollectable final : public prometheus::Collectable {
 public:
  explicit BoardCollectable(const MetricsBoard& board) : board_{board} {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    return metric_families(board_.read(), resident_memory_bytes());
  }

 private:
  const MetricsBoard& board_;
};

}  // namespace

MetricsEndpoint::MetricsEndpoint(const std::string& address, const MetricsBoard& board)
    : collectable_{std::make_shared<BoardCollectable>(board)} {
  try {
    // One HTTP thread: a scrape every few seconds needs no more.
    exposer_ = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    // civetweb's message ("null context when constructing CivetServer...") does not say which
    // key or address failed.
    throw std::runtime_error{fmt::format("metrics_address = \"{}\": cannot listen there ({})", address, e.what())};
  }
  exposer_->RegisterCollectable(collectable_);
}

MetricsEndpoint::~MetricsEndpoint() = default;

std::uint16_t MetricsEndpoint::port() const {
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<std::uint16_t>(ports.front());
}

}  // namespace plenum::server::metrics
