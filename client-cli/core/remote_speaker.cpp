#include "client-cli/core/remote_speaker.hpp"

#include <algorithm>

namespace plenum::client {
namespace {

constexpr std::size_t kSamplesPerUnit = 480;  // 10 ms at 48 kHz

}  // namespace

bool RemoteSpeaker::push(const ReceivedVoice& voice, Clock::time_point arrival) {
  const std::size_t samples = protocol::codec::opus_packet_samples(voice.opus);
  if (samples == 0) {
    return false;
  }
  protocol::codec::OwnedVoiceFrame frame;
  frame.seq = voice.frame_number;
  frame.units = static_cast<std::uint32_t>(std::max<std::size_t>(samples / kSamplesPerUnit, 1));
  frame.terminator = voice.terminator;
  frame.opus.assign(voice.opus.begin(), voice.opus.end());
  jitter_.push(std::move(frame), arrival);
  return true;
}

bool RemoteSpeaker::refill(Clock::time_point now) {
  const protocol::codec::JitterBuffer::Playout playout = jitter_.next(now);
  const std::size_t samples = playout.units * kSamplesPerUnit;
  std::size_t decoded = 0;
  switch (playout.kind) {
    case protocol::codec::JitterBuffer::Playout::Kind::Silence:
      return false;
    case protocol::codec::JitterBuffer::Playout::Kind::Frame:
      decoded = decoder_.decode(playout.frame->opus, scratch_);
      if (decoded == 0) {
        decoded = decoder_.conceal(samples, scratch_);
      }
      break;
    case protocol::codec::JitterBuffer::Playout::Kind::Fec:
      decoded = decoder_.decode_fec(playout.frame->opus, samples, scratch_);
      break;
    case protocol::codec::JitterBuffer::Playout::Kind::Conceal:
      decoded = decoder_.conceal(samples, scratch_);
      break;
  }
  if (decoded == 0) {
    // The decoder refused even concealment; keep time moving with silence.
    decoded = std::min(samples, scratch_.size());
    std::fill_n(scratch_.begin(), decoded, 0.0F);
  }
  pending_.insert(pending_.end(), scratch_.begin(),
                  scratch_.begin() + static_cast<std::ptrdiff_t>(decoded));
  return true;
}

bool RemoteSpeaker::mix_into(std::span<float> mix, Clock::time_point now) {
  while (pending_.size() < mix.size() && refill(now)) {
  }
  talking_ = !pending_.empty();
  if (!talking_) {
    return false;
  }
  const std::size_t n = std::min(mix.size(), pending_.size());
  for (std::size_t i = 0; i < n; ++i) {
    mix[i] += pending_[i];
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  return true;
}

}  // namespace plenum::client
