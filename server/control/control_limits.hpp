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
};

}  // namespace plenum::server::control
