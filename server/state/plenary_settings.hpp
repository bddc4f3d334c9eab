// A channel's plenary settings (DESIGN.md §4): what `/channel ...` and the matching context
// actions set, stored in SQLite and surviving restart. An unset engine field falls back to the
// server's [plenary] default (config::PlenaryConfig) when the routing snapshot is built. Part of
// the Channel, so owned by the ChannelTree (control-plane thread).
#pragma once

#include "server/config/server_config.hpp"

#include <cstdint>
#include <optional>

namespace plenum::server::state {

// Who goes first in a speaker queue: arrival order, or people who have not spoken yet in this
// session before those who have (the practice of many assemblies).
enum class QueuePolicy : std::uint8_t { Fifo, FirstTimeFirst };

struct PlenarySettings {
  // The audio engine (unset: [plenary] default).
  std::optional<config::ListenerMode> mode;         // /channel mode all|topk|mix
  std::optional<std::uint32_t> topk;                // /channel topk 1..32
  std::optional<std::uint32_t> mix_bitrate_bps;     // /channel bitrate 6000..510000
  std::optional<std::uint32_t> gate_db_below_full_scale;  // /channel gate 0..90 (50: -50 dBFS)
  std::optional<config::TransmitPolicy> transmit;   // /channel transmit any|vad|ptt|auto
  // Floor control.
  bool moderated = false;                  // /channel moderated on|off
  QueuePolicy queue = QueuePolicy::Fifo;   // /channel queue fifo|first-time-first
  std::uint32_t time_limit_s = 0;          // /channel time SECONDS; 0 = none

  bool operator==(const PlenarySettings&) const = default;
};

}  // namespace plenum::server::state
