#include "server/metrics/metrics_board.hpp"

#include <utility>

namespace plenum::server::metrics {

void MetricsBoard::publish_control(ControlReading reading) {
  const std::lock_guard lock{mutex_};
  control_ = std::move(reading);
}

void MetricsBoard::publish_voice(std::size_t shard, const voice::VoiceCounters& counters) {
  const std::lock_guard lock{mutex_};
  if (shard < voice_.size()) voice_[shard] = counters;
}

void MetricsBoard::publish_engine(const audio::EngineCounters& counters) {
  const std::lock_guard lock{mutex_};
  engine_ = counters;
}

void MetricsBoard::publish_store(const store::StoreCounters& counters) {
  const std::lock_guard lock{mutex_};
  store_ = counters;
}

MetricsReading MetricsBoard::read() const {
  MetricsReading reading;
  const std::lock_guard lock{mutex_};
  reading.control = control_;
  for (const voice::VoiceCounters& shard : voice_) reading.voice += shard;
  reading.engine = engine_;
  reading.store = store_;
  return reading;
}

}  // namespace plenum::server::metrics
