// VoiceCounters: what the voice plane did with every datagram and tunnel packet, by outcome and
// by drop reason (STYLE.md §4: bad input is dropped and counted, never logged per packet). Owned
// by the VoiceRelay on the voice thread; copied out for logs and tests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace plenum::server::voice {

enum class DropReason : std::uint8_t {
  TooShort,         // below 5 bytes (MUMBLE_PROTOCOL.md §4.1)
  TooLong,          // above 1024 bytes
  UnknownEndpoint,  // no session matches the source address
  TrialBudget,      // an unknown source while the trial-decrypt budget is spent
  DecryptFailed,    // authentication failed, or outside the replay window
  Replay,           // a datagram whose IV was already accepted
  Malformed,        // decrypted, but not a voice or ping packet we can read
  NotOpus,          // CELT or Speex: Opus-only server
  Unrouted,         // the speaker is not (yet) in the routing snapshot
  Silenced,         // muted, suppressed or self-muted speaker
  UnknownTarget,    // a VoiceTarget id the speaker never registered
  OverBandwidth,    // above the per-user bandwidth (§8.2)
  TunnelPing,       // a ping inside a UDPTunnel frame: pings are a UDP matter
  SendFailed,       // the kernel refused a datagram (socket buffer full)
  QueryLimited,     // a server-query ping over its source's or the global reply rate
  Stale,            // waited in the receive queue longer than a listener could still play it
  RingFull,         // another voice shard's queue from this one was full (ShardMesh)
  OpenMicrophone,   // the audio engine stopped this speaker's open microphone (ptt channel)
  EngineFull,       // the queue to the audio engine was full: the frame is not mixed
  Count
};

std::string_view to_string(DropReason reason) noexcept;

struct VoiceCounters {
  std::array<std::uint64_t, static_cast<std::size_t>(DropReason::Count)> drops{};
  std::uint64_t datagrams_in = 0;
  std::uint64_t tunnel_in = 0;
  std::uint64_t voice_packets = 0;     // accepted voice packets (either path)
  std::uint64_t pings_answered = 0;    // connectivity pings inside a session
  std::uint64_t queries_answered = 0;  // unauthenticated server-query pings
  std::uint64_t endpoints_learned = 0;
  std::uint64_t trial_decrypts = 0;
  std::uint64_t encodings = 0;         // distinct (format, context) encodings built
  std::uint64_t udp_out = 0;           // datagrams handed to the kernel
  std::uint64_t tunnel_out = 0;        // UDPTunnel frames handed to the control plane
  std::uint64_t shard_out = 0;         // messages passed to other voice shards
  std::uint64_t engine_in = 0;         // speaker frames handed to the audio engine
  std::uint64_t mix_out = 0;           // mix frames sent to listeners (UDP or tunnel)

  VoiceCounters& operator+=(const VoiceCounters& other) noexcept;

  std::uint64_t dropped(DropReason reason) const noexcept {
    return drops[static_cast<std::size_t>(reason)];
  }
  void drop(DropReason reason) noexcept { ++drops[static_cast<std::size_t>(reason)]; }
  std::uint64_t total_drops() const noexcept;
  // "in=… voice=… out=… tunnel_out=… drops: decrypt_failed=2 replay=1" (non-zero drops only).
  std::string summary() const;
};

}  // namespace plenum::server::voice
