#include "server/audio/voice_gate.hpp"

namespace plenum::server::audio {

bool VoiceGate::update(float level_dbfs, float threshold_dbfs,
                       std::chrono::milliseconds step) noexcept {
  if (level_dbfs >= threshold_dbfs) {
    open_ = true;
    below_ = std::chrono::milliseconds{0};
  } else if (open_) {
    below_ += step;
    open_ = below_ < hangover_;
  }
  return open_;
}

void VoiceGate::close() noexcept {
  open_ = false;
  below_ = std::chrono::milliseconds{0};
}

}  // namespace plenum::server::audio
