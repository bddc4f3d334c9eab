// ProbePayload: what the load generator's speakers put where Opus data belongs, so that a
// listener can tell who sent a packet, which one, when, and whether it counts for the
// measurement window. Starts with a real Opus TOC byte, so a server that inspects or decodes
// Opus sees a well-formed (CELT, 20 ms, mono) packet. Pure functions, any thread.
#pragma once

#include "protocol/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace plenum::load {

struct Probe {
  std::uint32_t speaker = 0;      // index of the speaking load client
  std::uint32_t sequence = 0;     // per speaker, from 0
  std::uint64_t sent_ns = 0;      // CLOCK_REALTIME at send (see probe_clock_ns)
  bool in_window = false;         // sent during the measurement window

  friend bool operator==(const Probe&, const Probe&) = default;
};

// About what 20 ms of 24 kbit/s Opus takes.
inline constexpr std::size_t kProbePayloadSize = 60;
// Opus TOC: config 31 (CELT-only, fullband, 20 ms), mono, one frame.
inline constexpr std::byte kProbeToc{0xF8};

// Writes kProbePayloadSize bytes; out must be at least that long.
void write_probe(const Probe& probe, protocol::MutableByteView out) noexcept;
// nullopt for anything the generator did not write (wrong size, TOC or magic).
std::optional<Probe> read_probe(protocol::ByteView opus) noexcept;

}  // namespace plenum::load
