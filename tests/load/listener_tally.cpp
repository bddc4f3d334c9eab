#include "tests/load/listener_tally.hpp"

#include <algorithm>

namespace plenum::load {

std::string to_string(ListenerMode mode) {
  switch (mode) {
    case ListenerMode::All:
      return "all";
    case ListenerMode::Topk:
      return "topk";
    case ListenerMode::Mix:
      return "mix";
  }
  return "all";
}

std::optional<ListenerMode> parse_listener_mode(const std::string& text) {
  for (const ListenerMode mode : {ListenerMode::All, ListenerMode::Topk, ListenerMode::Mix}) {
    if (text == to_string(mode)) {
      return mode;
    }
  }
  return std::nullopt;
}

double kbit_per_s(std::uint64_t bytes, double seconds) noexcept {
  return seconds > 0 ? static_cast<double>(bytes) * 8.0 / 1000.0 / seconds : 0.0;
}

std::map<ListenerMode, ModeReport> summarize_modes(std::span<const ListenerTally> tallies,
                                                   double window_s) {
  std::map<ListenerMode, ModeReport> out;
  std::map<ListenerMode, std::uint64_t> streams, packets;
  for (const ListenerTally& tally : tallies) {
    if (tally.speaker) {
      continue;
    }
    ModeReport& r = out[tally.mode];
    ++r.listeners;
    r.switched += tally.switched ? 1U : 0U;
    r.confirmed += tally.confirmed ? 1U : 0U;
    streams[tally.mode] += tally.streams;
    packets[tally.mode] += tally.packets;
    r.streams_max = std::max(r.streams_max, tally.streams);
    const double rate = kbit_per_s(tally.payload_bytes, window_s);
    r.down_kbit_s_mean += rate;
    r.down_kbit_s_max = std::max(r.down_kbit_s_max, rate);
    r.mix_frames += tally.mix.frames();
    r.mix_lost += tally.mix.lost();
    r.mix_late += tally.mix.late();
    r.mix_reordered += tally.mix.reordered();
  }
  for (auto& [mode, r] : out) {
    const auto n = static_cast<double>(r.listeners);
    r.streams_mean = static_cast<double>(streams[mode]) / n;
    r.packets_per_listener = static_cast<double>(packets[mode]) / n;
    r.down_kbit_s_mean /= n;
    const auto expected = r.mix_frames + r.mix_lost;
    r.mix_lost_ratio = expected > 0 ? static_cast<double>(r.mix_lost) / static_cast<double>(expected) : 0;
    r.mix_late_ratio =
        r.mix_frames > 0 ? static_cast<double>(r.mix_late) / static_cast<double>(r.mix_frames) : 0;
  }
  return out;
}

}  // namespace plenum::load
