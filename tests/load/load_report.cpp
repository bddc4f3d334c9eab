#include "tests/load/load_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace plenum::load {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number_list(const auto& values, const char* format) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i > 0 ? ", " : "") + fmt::format(fmt::runtime(format), values[i]);
  }
  return out + "]";
}

std::string latency_json(const LatencySummary& l) {
  return fmt::format("{{\"p50\": {:.0f}, \"p90\": {:.0f}, \"p99\": {:.0f}, \"max\": {:.0f}}}", l.p50,
                     l.p90, l.p99, l.max);
}

std::string mode_json(const ModeSection& m) {
  const ModeReport& c = m.counts;
  std::string out = fmt::format(
      "{{\"listeners\": {}, \"switched\": {}, \"confirmed\": {}, \"streams_mean\": {:.2f}, "
      "\"streams_max\": {}, \"packets_per_listener\": {:.1f}, \"down_kbit_s_mean\": {:.2f}, "
      "\"down_kbit_s_max\": {:.2f}, \"deliveries\": {}, \"latency_us\": {}",
      c.listeners, c.switched, c.confirmed, c.streams_mean, c.streams_max, c.packets_per_listener,
      c.down_kbit_s_mean, c.down_kbit_s_max, m.deliveries, latency_json(m.latency_us));
  if (m.mode == "mix") {
    out += fmt::format(
        ", \"mix_frames\": {}, \"mix_lost\": {}, \"mix_late\": {}, \"mix_reordered\": {}, "
        "\"mix_lost_ratio\": {:.6f}, "
        "\"mix_late_ratio\": {:.6f}, \"decoded_listeners\": {}, \"decoded_level_dbfs\": {:.1f}, "
        "\"tones_present_hz\": {}, \"tones_present_speakers\": {}, \"onsets_sent\": {}, "
        "\"onsets_measured\": {}, \"onset_latency_us\": {}",
        c.mix_frames, c.mix_lost, c.mix_late, c.mix_reordered, c.mix_lost_ratio, c.mix_late_ratio,
        m.decoded_listeners, m.decoded_level_dbfs, number_list(m.tones_present_hz, "{:.0f}"),
        number_list(m.tones_present_speakers, "{}"), m.onsets_sent, m.onsets_measured,
        latency_json(m.onset_latency_us));
  }
  return out + "}";
}

}  // namespace

LatencySummary summarize(const LatencyHistogram& histogram) {
  LatencySummary s;
  s.p50 = static_cast<double>(histogram.percentile(0.50).count());
  s.p90 = static_cast<double>(histogram.percentile(0.90).count());
  s.p99 = static_cast<double>(histogram.percentile(0.99).count());
  s.max = static_cast<double>(
      std::chrono::duration_cast<std::chrono::microseconds>(histogram.max()).count());
  return s;
}

void finish_report(LoadReport& report) {
  report.lost = report.expected > report.deliveries ? report.expected - report.deliveries : 0;
  report.loss_ratio = report.expected > 0
                          ? static_cast<double>(report.lost) / static_cast<double>(report.expected)
                          : 0.0;
  report.deliveries_per_s =
      report.window_s > 0 ? static_cast<double>(report.deliveries) / report.window_s : 0.0;
  report.cpu_us_per_delivery =
      report.deliveries > 0 ? report.server_cpu_s * 1e6 / static_cast<double>(report.deliveries)
                            : 0.0;
  const auto grown = report.rss_kib_after > report.rss_kib_before
                         ? report.rss_kib_after - report.rss_kib_before
                         : 0;
  report.rss_kib_per_user =
      report.connected > 0 ? static_cast<double>(grown) / report.connected : 0.0;
  report.generator_cpu_share = report.window_s > 0 ? report.generator_cpu_s / report.window_s : 0.0;
  report.host_other_cores = report.window_s > 0 ? report.host_other_cpu_s / report.window_s : 0.0;
}

std::string to_json(const LoadReport& r) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\n");
  fmt::format_to(it, "  \"label\": {},\n  \"server\": {},\n", quoted(r.label), quoted(r.server));
  fmt::format_to(it, "  \"clients\": {},\n  \"speakers\": {},\n", r.clients, r.speakers);
  fmt::format_to(it, "  \"connected\": {},\n  \"connect_failures\": {},\n", r.connected,
                 r.connect_failures);
  fmt::format_to(it, "  \"connect_only\": {},\n", r.connect_only);
  fmt::format_to(it, "  \"connect_s\": {:.3f},\n  \"window_s\": {:.3f},\n", r.connect_s, r.window_s);
  fmt::format_to(it, "  \"sent\": {},\n  \"deliveries\": {},\n", r.sent, r.deliveries);
  fmt::format_to(it, "  \"deliveries_per_s\": {:.1f},\n", r.deliveries_per_s);
  fmt::format_to(it, "  \"expected\": {},\n  \"lost\": {},\n", r.expected, r.lost);
  fmt::format_to(it, "  \"loss_ratio\": {:.6f},\n", r.loss_ratio);
  fmt::format_to(it, "  \"latency_us\": {{\"p50\": {:.0f}, \"p90\": {:.0f}, \"p99\": {:.0f}, "
                 "\"max\": {:.0f}}},\n",
                 r.latency_us.p50, r.latency_us.p90, r.latency_us.p99, r.latency_us.max);
  fmt::format_to(it, "  \"tunnel_deliveries\": {},\n  \"foreign_voice\": {},\n",
                 r.tunnel_deliveries, r.foreign_voice);
  fmt::format_to(it, "  \"decrypt_failures\": {},\n  \"send_errors\": {},\n", r.decrypt_failures,
                 r.send_errors);
  fmt::format_to(it, "  \"late_ticks\": {},\n", r.late_ticks);
  fmt::format_to(it, "  \"unmatched_voice\": {},\n  \"mix_packets\": {},\n", r.unmatched_voice,
                 r.mix_packets);
  fmt::format_to(it, "  \"speaker_bitrate_bps\": {},\n  \"noise_speakers\": {},\n",
                 r.speaker_bitrate_bps, r.noise_speakers);
  fmt::format_to(it, "  \"listener_mode\": {},\n  \"mode_by\": {},\n", quoted(r.listener_mode),
                 quoted(r.mode_by));
  fmt::format_to(it, "  \"mode_switched\": {},\n  \"mode_awaited\": {},\n  \"mode_confirmed\": {},\n",
                 r.mode_switched, r.mode_awaited, r.mode_confirmed);
  fmt::format_to(it, "  \"mode_wait_s\": {:.3f},\n  \"mode_replies\": {},\n", r.mode_wait_s,
                 r.mode_replies);
  fmt::format_to(it, "  \"mode_reply_sample\": {},\n", quoted(r.mode_reply_sample));
  fmt::format_to(it, "  \"listener_modes\": {{");
  for (std::size_t i = 0; i < r.modes.size(); ++i) {
    fmt::format_to(it, "{}\n    {}: {}", i > 0 ? "," : "", quoted(r.modes[i].mode), mode_json(r.modes[i]));
  }
  fmt::format_to(it, "{}}},\n", r.modes.empty() ? "" : "\n  ");
  fmt::format_to(it, "  \"server_cpu_s\": {:.3f},\n  \"server_cpu_connect_s\": {:.3f},\n",
                 r.server_cpu_s, r.server_cpu_connect_s);
  fmt::format_to(it, "  \"cpu_us_per_delivery\": {:.3f},\n", r.cpu_us_per_delivery);
  fmt::format_to(it, "  \"rss_kib_before\": {},\n  \"rss_kib_after\": {},\n", r.rss_kib_before,
                 r.rss_kib_after);
  fmt::format_to(it, "  \"rss_kib_per_user\": {:.1f},\n", r.rss_kib_per_user);
  fmt::format_to(it, "  \"generator_cpu_s\": {:.3f},\n  \"generator_cpu_share\": {:.3f},\n",
                 r.generator_cpu_s, r.generator_cpu_share);
  fmt::format_to(it, "  \"host_other_cpu_s\": {:.3f},\n  \"host_other_cores\": {:.3f}\n",
                 r.host_other_cpu_s, r.host_other_cores);
  fmt::format_to(it, "}}\n");
  return out;
}

}  // namespace plenum::load
