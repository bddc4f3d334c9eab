#include "client-cli/core/voice_receiver.hpp"

#include <algorithm>

namespace plenum::client {

void accumulate(protocol::codec::JitterStats& a, const protocol::codec::JitterStats& b) {
  a.received += b.received;
  a.late += b.late;
  a.lost += b.lost;
  a.duplicates += b.duplicates;
  a.concealed += b.concealed;
  a.fec += b.fec;
  a.expanded += b.expanded;
  a.dropped += b.dropped;
  a.jitter_ms = std::max(a.jitter_ms, b.jitter_ms);
}

void VoiceReceiver::on_voice(const ReceivedVoice& voice, Clock::time_point arrival) {
  if (deafened_) {
    return;
  }
  ++packets_;
  auto& speaker = speakers_[voice.session];
  if (!speaker) {
    speaker = std::make_unique<RemoteSpeaker>(config_);
  }
  if (!speaker->push(voice, arrival)) {
    ++invalid_;
  }
}

bool VoiceReceiver::render(std::span<float> out, Clock::time_point now) {
  std::fill(out.begin(), out.end(), 0.0F);
  bool audible = false;
  for (auto& [session, speaker] : speakers_) {
    audible = speaker->mix_into(out, now) || audible;
  }
  for (float& sample : out) {
    sample = std::clamp(sample, -1.0F, 1.0F);
  }
  return audible;
}

bool VoiceReceiver::talking(std::uint32_t session) const {
  const auto it = speakers_.find(session);
  return it != speakers_.end() && it->second->talking();
}

void VoiceReceiver::forget(std::uint32_t session) {
  const auto it = speakers_.find(session);
  if (it == speakers_.end()) {
    return;
  }
  accumulate(retired_.jitter, it->second->jitter().stats());
  speakers_.erase(it);
}

ReceiveStats VoiceReceiver::stats() const {
  ReceiveStats out = retired_;
  out.packets = packets_;
  out.invalid = invalid_;
  for (const auto& [session, speaker] : speakers_) {
    accumulate(out.jitter, speaker->jitter().stats());
  }
  return out;
}

}  // namespace plenum::client
