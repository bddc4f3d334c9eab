// ListenerTally: what one simulated client received during the measurement window, by the
// listener mode it was in (streams, packets, UDP payload bytes, the mix stream's health), and
// ModeReport, those tallies summed per mode for the JSON report. A tally belongs to its
// LoadClient, on the generator's thread; summarize_modes is a pure function.
#pragma once

#include "tests/load/mix_stream_stats.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace plenum::load {

enum class ListenerMode { All, Topk, Mix };
std::string to_string(ListenerMode mode);
std::optional<ListenerMode> parse_listener_mode(const std::string& text);

struct ListenerTally {
  ListenerMode mode = ListenerMode::All;
  bool speaker = false;
  bool switched = false;   // sent `/mode` after login
  bool confirmed = false;  // its mode took effect (a server reply; for mix its first mix frame)
  std::uint64_t packets = 0;        // voice datagrams received over UDP in the window
  std::uint64_t payload_bytes = 0;  // every UDP datagram received in the window, encrypted size
  std::uint32_t streams = 0;        // distinct sender sessions heard in the window
  MixStreamStats mix;               // the virtual mix user's frames in the window
};

// Rate of `bytes` over `seconds` in kbit/s (1000 bit/s), 0 for an empty window.
double kbit_per_s(std::uint64_t bytes, double seconds) noexcept;

struct ModeReport {
  std::uint32_t listeners = 0;
  std::uint32_t switched = 0;
  std::uint32_t confirmed = 0;
  double streams_mean = 0;
  std::uint32_t streams_max = 0;
  double packets_per_listener = 0;
  double down_kbit_s_mean = 0;  // UDP payload per listener
  double down_kbit_s_max = 0;
  std::uint64_t mix_frames = 0;
  std::uint64_t mix_lost = 0;
  std::uint64_t mix_late = 0;
  std::uint64_t mix_reordered = 0;
  double mix_lost_ratio = 0;  // of frames expected (received + lost)
  double mix_late_ratio = 0;  // of frames received
};

// One report per mode present among `tallies`; speakers are left out (their own rows would mix
// what they send with what they hear), so "mix" is the listeners in mix mode.
std::map<ListenerMode, ModeReport> summarize_modes(std::span<const ListenerTally> tallies,
                                                   double window_s);

}  // namespace plenum::load
