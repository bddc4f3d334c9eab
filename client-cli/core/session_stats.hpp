// SessionStats: the numbers plenum-cli reports at the end of a headless run (DESIGN.md §6),
// gathered from the connection, the receiver and the sender, and their JSON form.
#pragma once

#include "client-cli/core/connection.hpp"
#include "client-cli/core/voice_receiver.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace plenum::client {

struct SessionStats {
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::uint64_t lost = 0;
  std::uint64_t late = 0;
  double jitter_ms = 0.0;
  double ping_ms = 0.0;  // round trip on the current path (UDP ping, else TCP ping)
  VoicePath path = VoicePath::Tcp;
  // Details beyond the promised fields.
  std::uint64_t sent_udp = 0;
  std::uint64_t sent_tcp = 0;
  std::uint64_t received_udp = 0;
  std::uint64_t received_tcp = 0;
  std::uint64_t concealed = 0;
  std::uint64_t fec = 0;
  std::uint64_t expanded = 0;
  std::uint64_t dropped = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t invalid = 0;
  std::uint64_t udp_decrypt_failures = 0;
  std::uint64_t resync_requests = 0;
  std::uint64_t ticks_late = 0;
  int bitrate_bps = 0;
};

SessionStats collect_stats(const ConnectionStats& connection, const ReceiveStats& received);

std::string to_json(const SessionStats& stats);
// Throws std::runtime_error when the file cannot be written.
void write_stats(const std::filesystem::path& file, const SessionStats& stats);

}  // namespace plenum::client
