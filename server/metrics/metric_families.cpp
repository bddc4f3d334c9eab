#include "server/metrics/metric_families.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace plenum::server::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric sample(MetricType type, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

class Families {
 public:
  void counter(std::string name, std::string help, std::uint64_t value) {
    add(std::move(name), std::move(help), MetricType::Counter, value);
  }
  void gauge(std::string name, std::string help, std::uint64_t value) {
    add(std::move(name), std::move(help), MetricType::Gauge, value);
  }
  // One family whose samples carry `label`; filled by the caller through the returned family.
  MetricFamily& labelled(std::string name, std::string help, MetricType type) {
    out_.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
    return out_.back();
  }
  std::vector<MetricFamily> take() { return std::move(out_); }

 private:
  void add(std::string name, std::string help, MetricType type, std::uint64_t value) {
    out_.push_back(MetricFamily{std::move(name), std::move(help), type,
                                {sample(type, static_cast<double>(value))}});
  }
  std::vector<MetricFamily> out_;
};

void add_control(Families& f, const ControlReading& control) {
  f.gauge("plenum_users", "Connected (authenticated) users.", control.users);
  f.gauge("plenum_channels", "Channels, the root included.", control.channels);
  f.gauge("plenum_mix_listeners", "Users whose listener mode is mix.", control.mix_listeners);
  auto& versions = f.labelled("plenum_sessions", "Connected users by client version.", MetricType::Gauge);
  for (const auto& [version, count] : control.sessions_by_version) {
    versions.metric.push_back(sample(MetricType::Gauge, static_cast<double>(count), {{"version", version}}));
  }
  auto& messages = f.labelled("plenum_control_messages_received_total",
                              "Control messages received from clients, by type.", MetricType::Counter);
  for (std::size_t type = 0; type < control.messages_received.size(); ++type) {
    const auto name = protocol::to_string(static_cast<protocol::MessageType>(type));
    messages.metric.push_back(sample(MetricType::Counter, static_cast<double>(control.messages_received[type]),
                                     {{"type", std::string{name}}}));
  }
  f.counter("plenum_control_messages_rate_limited_total",
            "Text, state and ACL messages ignored for exceeding messagelimit/messageburst.",
            control.messages_rate_limited);
  f.counter("plenum_login_failures_total", "Logins refused for a wrong password or server password.",
            control.login_failures);
}

void add_voice(Families& f, const voice::VoiceCounters& voice) {
  f.counter("plenum_voice_datagrams_received_total", "UDP datagrams received on the voice port.",
            voice.datagrams_in);
  f.counter("plenum_voice_tunnel_packets_received_total", "Voice packets received through the TCP tunnel.",
            voice.tunnel_in);
  f.counter("plenum_voice_packets_received_total", "Voice packets accepted (UDP and tunnel).",
            voice.voice_packets);
  f.counter("plenum_voice_datagrams_sent_total", "UDP datagrams sent (voice and ping replies).",
            voice.udp_out);
  f.counter("plenum_voice_tunnel_packets_sent_total", "Voice packets sent through the TCP tunnel.",
            voice.tunnel_out);
  f.counter("plenum_voice_mix_frames_sent_total", "Mix frames sent to mix listeners.", voice.mix_out);
  f.counter("plenum_voice_pings_answered_total", "UDP connectivity pings answered.", voice.pings_answered);
  f.counter("plenum_voice_queries_answered_total", "Server-list query pings answered.",
            voice.queries_answered);
  auto& drops = f.labelled("plenum_voice_dropped_total", "Voice datagrams and packets dropped, by reason.",
                           MetricType::Counter);
  for (std::size_t reason = 0; reason < voice.drops.size(); ++reason) {
    const auto name = voice::to_string(static_cast<voice::DropReason>(reason));
    drops.metric.push_back(
        sample(MetricType::Counter, static_cast<double>(voice.drops[reason]), {{"reason", std::string{name}}}));
  }
}

void add_engine(Families& f, const audio::EngineCounters& engine) {
  f.counter("plenum_engine_ticks_total", "Audio engine ticks (20 ms each).", engine.ticks);
  f.counter("plenum_engine_ticks_late_total", "Ticks that ran more than a frame late and skipped ahead.",
            engine.ticks_late);
  f.counter("plenum_engine_frames_received_total", "Speaker frames handed to the audio engine.",
            engine.frames_in);
  f.counter("plenum_engine_frames_decoded_total", "20 ms frames decoded.", engine.frames_decoded);
  f.counter("plenum_engine_frames_concealed_total", "Frames concealed by PLC or FEC.",
            engine.frames_concealed);
  f.counter("plenum_engine_frames_gated_total", "Decoded frames behind a closed voice gate.",
            engine.frames_gated);
  f.counter("plenum_engine_frames_mixed_total", "Speaker frames that went into a mix.", engine.frames_mixed);
  f.counter("plenum_engine_frames_dropped_total", "Frames the engine had no room for.", engine.frames_dropped);
  f.counter("plenum_engine_mixes_encoded_total", "Opus encodes of a mix.", engine.mixes_encoded);
}

void add_store(Families& f, const store::StoreCounters& store) {
  f.counter("plenum_store_writes_committed_total", "Database writes committed.", store.writes_committed);
  f.counter("plenum_store_writes_failed_total", "Database writes that failed (rolled back).",
            store.writes_failed);
  auto& latency = f.labelled("plenum_store_commit_seconds", "Time to apply and commit one batch of writes.",
                             MetricType::Histogram);
  ClientMetric histogram;
  histogram.histogram.sample_count = store.batches;
  histogram.histogram.sample_sum = store.latency_seconds_sum;
  std::uint64_t cumulative = 0;
  for (std::size_t bucket = 0; bucket < store::StoreCounters::kLatencyBounds.size(); ++bucket) {
    cumulative += store.latency_buckets[bucket];
    histogram.histogram.bucket.push_back({cumulative, store::StoreCounters::kLatencyBounds[bucket]});
  }
  // The +Inf bucket is every batch: prometheus-cpp writes it from sample_count.
  latency.metric.push_back(std::move(histogram));
}

}  // namespace

std::vector<MetricFamily> metric_families(const MetricsReading& reading,
                                          std::optional<std::uint64_t> resident_bytes) {
  Families f;
  add_control(f, reading.control);
  add_voice(f, reading.voice);
  add_engine(f, reading.engine);
  add_store(f, reading.store);
  if (resident_bytes) {
    f.gauge("plenum_process_resident_memory_bytes", "Resident set size of the server process.",
            *resident_bytes);
  }
  return f.take();
}

}  // namespace plenum::server::metrics
