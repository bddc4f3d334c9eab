// ControlLimits: the numbers that bound what one control connection may cost the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace plenum::server::control {

struct ControlLimits {
  std::uint32_t max_frame_payload = 0x7FFFFF;  // Mumble's frame limit (MUMBLE_PROTOCOL.md §1.2)
  std::size_t max_queued_bytes = 16 * 1024 * 1024;
  std::chrono::seconds tls_handshake_timeout{10};
  std::chrono::seconds login_timeout{30};  // Murmur has none before login; we do (§3.5)
  std::chrono::seconds idle_timeout{30};   // Murmur's `timeout`
  std::chrono::milliseconds sweep_interval{1000};
  // Connections not logged in yet may hold this much received data in all (an 8 MiB frame
  // each, 40 of them, used to cost 500 MB for up to 30 s: issue 12, defect 5). The connection
  // whose data would pass it is closed.
  std::size_t unauthenticated_memory = 64 * 1024 * 1024;
  // At most this many connections in the TLS handshake or before login; a new one beyond it
  // evicts the oldest (real clients finish in milliseconds; idle half-open ones are old).
  std::size_t max_unauthenticated = 1500;
  // After accept fails for lack of descriptors or memory, wait this long before trying again
  // (it used to spin a core and log 56 MB: issue 12, defect 6).
  std::chrono::milliseconds accept_backoff{100};
  // Routing snapshots are rebuilt at most this often. 0: once per handled frame (a burst inside
  // one read costs one rebuild), before any reply goes out, so a client that acts on a
  // confirmation (a mute, a move, a listener) is routed by it. A longer interval broke that
  // promise: voice sent right after a confirmation went by the old snapshot.
  std::chrono::milliseconds routing_publish_interval{0};
};

}  // namespace plenum::server::control
