#include "client-cli/core/voice_path.hpp"

namespace plenum::client {

std::string_view to_string(VoicePath path) noexcept {
  return path == VoicePath::Udp ? "udp" : "tcp";
}

void VoicePathMonitor::on_ping_sent(Clock::time_point now) {
  if (!oldest_unanswered_) {
    oldest_unanswered_ = now;
  }
}

void VoicePathMonitor::on_udp_good(Clock::time_point now) {
  last_good_ = now;
  oldest_unanswered_.reset();
}

VoicePath VoicePathMonitor::update(Clock::time_point now) {
  const bool udp = udp_enabled_ && last_good_.has_value() &&
                   !(oldest_unanswered_ && now - *oldest_unanswered_ > kReplyTimeout);
  const VoicePath next = udp ? VoicePath::Udp : VoicePath::Tcp;
  if (current_ == VoicePath::Udp && next == VoicePath::Tcp) {
    ++fallbacks_;
  }
  current_ = next;
  return current_;
}

}  // namespace plenum::client
