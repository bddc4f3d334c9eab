#include "server/audio/channel_mix.hpp"

#include <algorithm>

namespace plenum::server::audio {
namespace {

bool contains(const std::vector<SessionId>& ascending, SessionId id) {
  return std::binary_search(ascending.begin(), ascending.end(), id);
}

}  // namespace

ChannelMix::ChannelMix(const ChannelMixTuning& tuning)
    : tuning_(tuning), selector_(tuning.selection), mixer_(tuning.duck_db),
      normalized_pcm_(kMaxSelected) {}

bool ChannelMix::tick(const EngineChannel& channel, std::span<const HeardFrame> frames,
                      bool push_to_talk, Clock::time_point now, ChannelTick& out,
                      EngineCounters& counters) {
  select(channel, frames, push_to_talk, now);
  out.channel = channel.channel;
  out.frame_count = 0;
  out.terminator = false;
  if (channel.mix_listeners.empty()) {
    // Nobody listens to a mix: no mixing, no encoding, and no state kept for it.
    stop();
    normalized_.clear();
    return false;
  }
  const std::size_t heard = gather_inputs(channel, frames, now);
  silent_ticks_ = heard > 0 ? 0 : silent_ticks_ + 1;
  if (!sending_) {
    if (heard == 0) {
      return false;
    }
    // A new talk spurt: clean encoders, and N-1 streams are made again from the shared one.
    sending_ = true;
    minus_.clear();
    if (shared_) {
      shared_->encoder.reset();
      shared_->limiter = SoftLimiter(tuning_.limiter);
    }
  }
  if (!shared_) {
    shared_.emplace(Stream{0, MixEncoder(static_cast<int>(channel.bitrate_bps),
                                         tuning_.loss_percent),
                           SoftLimiter(tuning_.limiter), 0});
  }
  if (shared_->encoder.bitrate() != static_cast<int>(channel.bitrate_bps)) {
    shared_->encoder.set_bitrate(static_cast<int>(channel.bitrate_bps));
    for (Stream& s : minus_) {
      s.encoder.set_bitrate(static_cast<int>(channel.bitrate_bps));
    }
  }
  mixer_.sum(std::span(inputs_).first(heard));
  counters.frames_mixed += heard;
  update_streams(channel);
  encode(out, counters);
  out.terminator = silent_ticks_ > tuning_.hangover_ticks;
  if (out.terminator) {
    stop();
  }
  return out.frame_count > 0;
}

void ChannelMix::select(const EngineChannel& channel, std::span<const HeardFrame> frames,
                        bool push_to_talk, Clock::time_point now) {
  forced_.clear();
  std::set_union(channel.priority.begin(), channel.priority.end(), channel.floor.begin(),
                 channel.floor.end(), std::back_inserter(forced_));
  candidates_.clear();
  blocked_.clear();
  for (const HeardFrame& f : frames) {
    candidates_.push_back({f.speaker, f.active && f.gate_open && !f.open_mic, f.level_dbfs});
    // Under push-to-talk an open microphone is stopped; a chair or floor holder never is.
    if (push_to_talk && f.open_mic && !contains(forced_, f.speaker)) {
      blocked_.push_back(f.speaker);
    }
  }
  selector_.update(candidates_, forced_, channel.k, now);
}

LoudnessNormalizer& ChannelMix::normalizer(SessionId speaker, Clock::time_point now) {
  auto it = std::lower_bound(normalized_.begin(), normalized_.end(), speaker,
                             [](const Normalized& n, SessionId id) { return n.speaker < id; });
  if (it == normalized_.end() || it->speaker != speaker) {
    it = normalized_.insert(it, Normalized{speaker, LoudnessNormalizer(tuning_.loudness), now});
  }
  it->last_selected = now;
  return it->normalizer;
}

std::size_t ChannelMix::gather_inputs(const EngineChannel& channel,
                                      std::span<const HeardFrame> frames, Clock::time_point now) {
  inputs_.clear();
  for (const SessionId speaker : selector_.selected()) {
    const auto f = std::lower_bound(frames.begin(), frames.end(), speaker,
                                    [](const HeardFrame& h, SessionId id) { return h.speaker < id; });
    if (f == frames.end() || f->speaker != speaker) {
      normalizer(speaker, now);  // selected but silent: keep its learned gain
      continue;
    }
    LoudnessNormalizer& n = normalizer(speaker, now);
    // A frame behind a closed gate is not mixed (DESIGN.md §4), forced speakers included.
    if (!f->active || !f->gate_open || inputs_.size() >= kMaxSelected) {
      continue;
    }
    PcmFrame& pcm = normalized_pcm_[inputs_.size()];
    n.process({f->pcm, f->gate_open, f->level_dbfs, f->noise_floor_dbfs}, pcm);
    inputs_.push_back({speaker, pcm, contains(channel.priority, speaker)});
  }
  // A deselected speaker's gain is kept a while (it may be selected again within the debate),
  // bounded in time and in number.
  std::erase_if(normalized_, [&](const Normalized& n) {
    return now - n.last_selected > tuning_.normalizer_keep;
  });
  while (normalized_.size() > 2 * kMaxSelected) {
    normalized_.erase(std::min_element(normalized_.begin(), normalized_.end(),
                                       [](const Normalized& a, const Normalized& b) {
                                         return a.last_selected < b.last_selected;
                                       }));
  }
  return inputs_.size();
}

void ChannelMix::update_streams(const EngineChannel& channel) {
  const auto& selected = selector_.selected();
  for (Stream& s : minus_) {
    s.linger = contains(selected, s.excluded) ? 0 : s.linger + 1;
  }
  std::erase_if(minus_, [&](const Stream& s) {
    return s.linger > tuning_.linger_ticks || !contains(channel.mix_listeners, s.excluded);
  });
  for (const SessionId speaker : selected) {
    if (!contains(channel.mix_listeners, speaker)) {
      continue;
    }
    const auto it = std::lower_bound(minus_.begin(), minus_.end(), speaker,
                                     [](const Stream& s, SessionId id) { return s.excluded < id; });
    if (it == minus_.end() || it->excluded != speaker) {
      // The shared stream's state before this tick's frame: the listener's decoder continues.
      minus_.insert(it, Stream{speaker, shared_->encoder, shared_->limiter, 0});
    }
  }
  // At most kMaxSelected N-1 streams (the tick's frame array): the longest lingering go first.
  while (minus_.size() > kMaxSelected) {
    minus_.erase(std::max_element(minus_.begin(), minus_.end(),
                                  [](const Stream& a, const Stream& b) { return a.linger < b.linger; }));
  }
}

void ChannelMix::encode(ChannelTick& out, EngineCounters& counters) {
  mixer_.shared(shared_->limiter, limited_);
  std::size_t size = shared_->encoder.encode(limited_, out.frames[0].opus);
  ++counters.mixes_encoded;
  if (size == 0) {
    return;  // libopus failed (it does not on valid input): send nothing rather than garbage
  }
  out.frames[0].excluded = 0;
  out.frames[0].size = static_cast<std::uint16_t>(size);
  out.frame_count = 1;
  for (Stream& s : minus_) {
    mixer_.without(s.excluded, s.limiter, limited_);
    MixedFrame& frame = out.frames[out.frame_count];
    size = s.encoder.encode(limited_, frame.opus);
    ++counters.mixes_encoded;
    if (size > 0) {
      frame.excluded = s.excluded;
      frame.size = static_cast<std::uint16_t>(size);
      ++out.frame_count;
    }
  }
  out.frame_number = frame_number_;
  frame_number_ += 2;
}

void ChannelMix::stop() {
  sending_ = false;
  silent_ticks_ = 0;
  minus_.clear();
}

std::optional<float> ChannelMix::speech_gain_db(SessionId speaker) const noexcept {
  for (const Normalized& n : normalized_) {
    if (n.speaker == speaker) {
      return n.normalizer.speech_gain_db();
    }
  }
  return std::nullopt;
}

}  // namespace plenum::server::audio
