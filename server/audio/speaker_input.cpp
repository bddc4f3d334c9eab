#include "server/audio/speaker_input.hpp"

#include "server/audio/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::server::audio {
namespace {

using protocol::codec::kFrameSamples;
using Playout = protocol::codec::JitterBuffer::Playout;

constexpr std::size_t kSamplesPerUnit = 480;  // a frame number counts 10 ms at 48 kHz
constexpr std::chrono::milliseconds kFrameDuration{20};

protocol::codec::JitterConfig jitter_config(const InputTuning& tuning) {
  return {tuning.jitter_min_delay, tuning.jitter_max_delay};
}

}  // namespace

SpeakerInput::SpeakerInput(const InputTuning& tuning)
    : tuning_(tuning),
      jitter_(jitter_config(tuning)),
      floor_(tuning.floor),
      gate_(tuning.hangover) {}

void SpeakerInput::push(const SpeakerFrame& frame, EngineCounters& counters) {
  ++counters.frames_in;
  if (!last_arrival_ || frame.arrival > *last_arrival_) {
    last_arrival_ = frame.arrival;
  }
  in_transmission_ = !frame.terminator;
  if (frame.size == 0 || frame.size > frame.opus.size()) {
    // An empty terminator (nothing to play) still ends the transmission above; the buffer
    // fades the stream out on its own.
    stats_.invalid += frame.size == 0 ? 0 : 1;
    return;
  }
  const protocol::ByteView opus = frame.bytes();
  const std::size_t samples = protocol::codec::opus_packet_samples(opus);
  if (samples == 0) {
    ++stats_.invalid;
    return;
  }
  protocol::codec::OwnedVoiceFrame owned;
  owned.seq = frame.frame_number;
  owned.units = static_cast<std::uint32_t>(std::max<std::size_t>(samples / kSamplesPerUnit, 1));
  owned.terminator = frame.terminator;
  owned.opus.assign(opus.begin(), opus.end());
  jitter_.push(std::move(owned), frame.arrival);
}

void SpeakerInput::limit(std::span<float> pcm) noexcept {
  // libopus' float output is not bounded: crafted packets decode to +70 dBFS (measured with random
  // bytes in speaker_input_test). Everything after the input (levels, selection, the mix) may
  // rely on full scale.
  for (float& sample : pcm) {
    sample = std::isnan(sample) ? 0.0F : std::clamp(sample, -1.0F, 1.0F);
  }
}

void SpeakerInput::append(std::size_t samples, bool concealed) {
  const std::size_t first_block = fifo_end_ / kBlockSamples;
  const std::size_t last_block = (fifo_end_ + samples + kBlockSamples - 1) / kBlockSamples;
  std::fill(fifo_concealed_.begin() + static_cast<std::ptrdiff_t>(first_block),
            fifo_concealed_.begin() + static_cast<std::ptrdiff_t>(last_block), concealed);
  fifo_end_ += samples;
}

bool SpeakerInput::refill(Clock::time_point now) {
  if (fifo_begin_ > 0) {
    // fifo_begin_ is a multiple of kBlockSamples: every Opus duration is a multiple of 2.5 ms.
    std::copy(fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_begin_),
              fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_end_), fifo_.begin());
    std::copy(fifo_concealed_.begin() + static_cast<std::ptrdiff_t>(fifo_begin_ / kBlockSamples),
              fifo_concealed_.end(), fifo_concealed_.begin());
    fifo_end_ -= fifo_begin_;
    fifo_begin_ = 0;
  }
  const Playout playout = jitter_.next(now);
  if (playout.kind == Playout::Kind::Silence) {
    return false;
  }
  const std::size_t samples = playout.units * kSamplesPerUnit;
  const std::span<float> space(fifo_.data() + fifo_end_, fifo_.size() - fifo_end_);
  std::size_t decoded = 0;
  bool concealed = true;
  switch (playout.kind) {
    case Playout::Kind::Frame:
      decoded = decoder_.decode(playout.frame->opus, space);
      concealed = decoded == 0;
      if (concealed) {
        decoded = decoder_.conceal(samples, space);  // parsed, but libopus refused it
      }
      break;
    case Playout::Kind::Fec:
      decoded = decoder_.decode_fec(playout.frame->opus, samples, space);
      break;
    case Playout::Kind::Conceal:
      decoded = decoder_.conceal(samples, space);
      break;
    case Playout::Kind::Silence:
      break;
  }
  if (decoded == 0) {
    // The decoder refused even concealment; keep time moving with silence.
    decoded = std::min(samples, space.size());
    std::fill_n(space.begin(), decoded, 0.0F);
  }
  limit(space.first(decoded));
  append(decoded, concealed);
  return true;
}

bool SpeakerInput::take_frame(Clock::time_point now) {
  while (fifo_end_ - fifo_begin_ < kFrameSamples && refill(now)) {
  }
  const std::size_t available = fifo_end_ - fifo_begin_;
  const std::size_t n = std::min(available, kFrameSamples);
  const auto begin = fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_begin_);
  std::copy(begin, begin + static_cast<std::ptrdiff_t>(n), out_.begin());
  // The tail of a stream shorter than a frame is padded with silence.
  std::fill(out_.begin() + static_cast<std::ptrdiff_t>(n), out_.end(), 0.0F);
  const auto flags = fifo_concealed_.begin() + static_cast<std::ptrdiff_t>(fifo_begin_ / kBlockSamples);
  out_concealed_ = std::any_of(
      flags, flags + static_cast<std::ptrdiff_t>((n + kBlockSamples - 1) / kBlockSamples),
      [](bool concealed) { return concealed; });
  fifo_begin_ += n;
  if (fifo_begin_ == fifo_end_) {
    fifo_begin_ = fifo_end_ = 0;
  }
  return n > 0;
}

bool SpeakerInput::transmitting(Clock::time_point now) noexcept {
  if (in_transmission_ && last_arrival_ && now - *last_arrival_ >= tuning_.transmission_gap) {
    in_transmission_ = false;
  }
  return in_transmission_;
}

bool SpeakerInput::track_open_mic(Clock::time_point now, bool push_to_talk) {
  const bool was_open_mic = open_mic_;
  if (!push_to_talk || !transmitting(now)) {
    open_mic_ = false;
    closed_since_.reset();
  } else if (gate_.open() && !open_mic_) {
    closed_since_.reset();  // speech: the stretch starts again when the gate next closes
  } else {
    if (!closed_since_) {
      closed_since_ = now;
    }
    open_mic_ = open_mic_ || now - *closed_since_ >= tuning_.open_mic_after;
  }
  return open_mic_ != was_open_mic;
}

DecodedFrame SpeakerInput::next(Clock::time_point now, float channel_gate_dbfs,
                                bool push_to_talk, EngineCounters& counters) {
  DecodedFrame result;
  result.pcm = out_;
  result.active = take_frame(now);
  if (result.active) {
    result.concealed = out_concealed_;
    result.level_dbfs = rms_dbfs(out_);
    if (out_concealed_) {
      ++counters.frames_concealed;
    } else {
      ++counters.frames_decoded;
      floor_.update(result.level_dbfs, kFrameDuration);  // only real audio says what the room is
    }
    result.threshold_dbfs = std::max(channel_gate_dbfs, floor_.dbfs() + tuning_.gate_margin_db);
    gate_.update(result.level_dbfs, result.threshold_dbfs, kFrameDuration);
  } else {
    gate_.close();
    result.threshold_dbfs = std::max(channel_gate_dbfs, floor_.dbfs() + tuning_.gate_margin_db);
  }
  result.noise_floor_dbfs = floor_.dbfs();
  result.open_mic_changed = track_open_mic(now, push_to_talk);
  result.open_mic = open_mic_;
  result.gate_open = result.active && gate_.open() && !open_mic_;
  if (result.active && !result.gate_open) {
    ++counters.frames_gated;
  }
  return result;
}

bool SpeakerInput::idle(Clock::time_point now) const noexcept {
  const bool drained = fifo_end_ == fifo_begin_ && !jitter_.playing();
  return drained && (!last_arrival_ || now - *last_arrival_ >= tuning_.idle_after);
}

}  // namespace plenum::server::audio
