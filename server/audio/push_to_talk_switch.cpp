#include "server/audio/push_to_talk_switch.hpp"

namespace plenum::server::audio {

bool PushToTalkSwitch::update(TransmitPolicy policy, std::uint32_t threshold,
                              std::size_t transmitting, Clock::time_point now) {
  const bool was = on_;
  switch (policy) {
    case TransmitPolicy::Ptt:
      on_ = true;
      break;
    case TransmitPolicy::Any:
    case TransmitPolicy::Vad:
      on_ = false;
      break;
    case TransmitPolicy::Auto: {
      const bool crowded = transmitting > threshold;
      const bool quiet = transmitting <= threshold / 2;
      if (!crowded) {
        crowded_since_.reset();
      } else if (!crowded_since_) {
        crowded_since_ = now;
      }
      if (!quiet) {
        quiet_since_.reset();
      } else if (!quiet_since_) {
        quiet_since_ = now;
      }
      if (!on_ && crowded_since_ && now - *crowded_since_ >= tuning_.on_after) {
        on_ = true;
      } else if (on_ && quiet_since_ && now - *quiet_since_ >= tuning_.off_after) {
        on_ = false;
      }
      break;
    }
  }
  if (policy != TransmitPolicy::Auto) {
    crowded_since_.reset();
    quiet_since_.reset();
  }
  return on_ != was;
}

}  // namespace plenum::server::audio
