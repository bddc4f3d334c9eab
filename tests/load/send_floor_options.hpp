// SendFloorOptions: plenum-sendfloor's command line, parsed with Boost.Program_options. Plain
// value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace plenum::load {

struct SendFloorOptions {
  std::uint32_t receivers = 100;     // loopback UDP sockets the datagrams go to, round-robin
  std::uint64_t datagrams = 320000;  // timed sends (after an untimed warm-up)
  std::uint32_t batch = 64;          // datagrams per sendmmsg
  std::uint32_t size = 60;           // bytes per datagram: about one 20 ms Opus voice packet
  std::uint32_t drain_every = 1;     // timed batches between two (untimed) receiver drains
  bool pktinfo = true;               // pin the source address per datagram, as the server does
  std::string json_file;             // empty: stdout
};

// nullopt after printing --help. Throws std::invalid_argument with a one-line message for
// bad flags.
std::optional<SendFloorOptions> parse_send_floor_options(int argc, const char* const* argv);

}  // namespace plenum::load
