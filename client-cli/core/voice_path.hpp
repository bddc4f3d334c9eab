// VoicePathMonitor: decides whether voice goes over UDP or through the TCP tunnel, from the
// UDP replies the connection sees (MUMBLE_PROTOCOL.md §6). Owned by the Connection, on its
// executor; time is passed in.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace plenum::client {

enum class VoicePath { Udp, Tcp };

std::string_view to_string(VoicePath path) noexcept;  // "udp", "tcp"

class VoicePathMonitor {
 public:
  using Clock = std::chrono::steady_clock;
  // A UDP ping unanswered for this long means UDP does not work (now). Mumble waits 20 s
  // before it gives up on UDP; pings on a working path come back within milliseconds, and
  // every second of waiting is a second of lost voice.
  static constexpr std::chrono::milliseconds kReplyTimeout{2000};

  explicit VoicePathMonitor(bool udp_enabled = true) : udp_enabled_(udp_enabled) {}

  // Voice starts in the tunnel and moves to UDP once a reply proves UDP works both ways, so
  // no voice is lost to a blocked UDP port at the start.
  void on_ping_sent(Clock::time_point now);
  // A UDP ping echo or any datagram that decrypted.
  void on_udp_good(Clock::time_point now);

  // Re-evaluates the path at `now` (counting a fallback when UDP just stopped working).
  VoicePath update(Clock::time_point now);
  // The path as of the last update().
  VoicePath current() const noexcept { return current_; }
  bool udp_enabled() const noexcept { return udp_enabled_; }
  // How many times the path went from UDP back to the tunnel.
  unsigned fallbacks() const noexcept { return fallbacks_; }

 private:
  bool udp_enabled_;
  std::optional<Clock::time_point> last_good_;
  // The oldest ping sent since the last good datagram: the one whose answer is overdue.
  std::optional<Clock::time_point> oldest_unanswered_;
  VoicePath current_ = VoicePath::Tcp;
  unsigned fallbacks_ = 0;
};

}  // namespace plenum::client
