#include "server/audio/audio_engine.hpp"

#include "server/audio/channel_mix.hpp"
#include "server/audio/push_to_talk_switch.hpp"
#include "server/audio/speaker_input.hpp"

#include <algorithm>

namespace plenum::server::audio {
namespace {

// Speakers kept at once: far above any plenary (300 people, 100+ open microphones), low enough
// that a flood of forged sessions cannot grow the engine without bound.
constexpr std::size_t kMaxSpeakers = 2048;

}  // namespace

struct AudioEngine::Impl {
  struct Speaker {
    SessionId id = 0;
    ChannelId channel = state::kRootChannel;
    std::unique_ptr<SpeakerInput> input;
    bool open_mic = false;  // last tick's, so the user is told once per occurrence
  };
  struct Channel {
    ChannelId id = state::kRootChannel;
    ChannelMix mix;
    PushToTalkSwitch ptt;
    ChannelSelection published;
  };

  const EngineChannel* find_channel(ChannelId id) const noexcept;
  Speaker& speaker(const SpeakerFrame& frame);
  void sync_channels();
  void tick_channel(const EngineChannel& config, Channel& channel, std::span<Speaker*> members,
                    Clock::time_point now, TickOutput& out);

  std::shared_ptr<const EngineSnapshot> snapshot = std::make_shared<EngineSnapshot>();
  bool synced = false;  // `channels` follows `snapshot`
  std::vector<Speaker> speakers;   // ascending ids; only those who sent
  std::vector<Channel> channels;   // ascending ids; exactly the snapshot's
  EngineCounters counters;
  bool selection_changed = false;
  // Reused per tick.
  std::vector<Speaker*> by_channel;
  std::vector<HeardFrame> heard;
};

const EngineChannel* AudioEngine::Impl::find_channel(ChannelId id) const noexcept {
  const auto& list = snapshot->channels;
  const auto it = std::lower_bound(list.begin(), list.end(), id,
                                   [](const EngineChannel& c, ChannelId v) { return c.channel < v; });
  return it != list.end() && it->channel == id ? &*it : nullptr;
}

AudioEngine::Impl::Speaker& AudioEngine::Impl::speaker(const SpeakerFrame& frame) {
  auto it = std::lower_bound(speakers.begin(), speakers.end(), frame.speaker,
                             [](const Speaker& s, SessionId id) { return s.id < id; });
  if (it == speakers.end() || it->id != frame.speaker) {
    it = speakers.insert(it, Speaker{frame.speaker, frame.channel, std::make_unique<SpeakerInput>()});
  } else if (it->channel != frame.channel) {
    // Moved to another channel: a new stream there, with nothing of the old one's jitter or gate.
    it->channel = frame.channel;
    it->input = std::make_unique<SpeakerInput>();
  }
  return *it;
}

void AudioEngine::Impl::sync_channels() {
  if (synced) {
    return;
  }
  synced = true;
  // Channels follow the snapshot; a dropped or new channel changes the published selection.
  std::vector<Channel> next;
  next.reserve(snapshot->channels.size());
  auto old = channels.begin();
  for (const EngineChannel& c : snapshot->channels) {
    while (old != channels.end() && old->id < c.channel) {
      ++old;
      selection_changed = true;
    }
    if (old != channels.end() && old->id == c.channel) {
      next.push_back(std::move(*old));
      ++old;
      continue;
    }
    next.push_back(Channel{c.channel, ChannelMix{}, PushToTalkSwitch{}, {c.channel, {}, {}, false}});
    selection_changed = true;
  }
  if (old != channels.end()) {
    selection_changed = true;
  }
  channels = std::move(next);
  // Speakers of channels no longer listed are dropped.
  std::erase_if(speakers, [&](const Speaker& s) { return find_channel(s.channel) == nullptr; });
}

AudioEngine::AudioEngine() : impl_(std::make_unique<Impl>()) {}
AudioEngine::~AudioEngine() = default;

void AudioEngine::set_snapshot(std::shared_ptr<const EngineSnapshot> snapshot) {
  impl_->snapshot = snapshot ? std::move(snapshot) : std::make_shared<EngineSnapshot>();
  impl_->synced = false;
}

void AudioEngine::push(const SpeakerFrame& frame) {
  Impl& e = *impl_;
  const auto it = std::lower_bound(e.speakers.begin(), e.speakers.end(), frame.speaker,
                                   [](const Impl::Speaker& sp, SessionId id) { return sp.id < id; });
  const bool known = it != e.speakers.end() && it->id == frame.speaker;
  if (e.find_channel(frame.channel) == nullptr || (!known && e.speakers.size() >= kMaxSpeakers)) {
    ++e.counters.frames_in;
    ++e.counters.frames_dropped;
    return;
  }
  e.speaker(frame).input->push(frame, e.counters);
}

void AudioEngine::tick(Clock::time_point now, TickOutput& out) {
  Impl& e = *impl_;
  out.ticks.clear();
  out.notices.clear();
  out.selection.reset();
  ++e.counters.ticks;
  e.sync_channels();

  // Speakers grouped by channel, ascending ids within each (the order ChannelMix expects).
  e.by_channel.clear();
  for (Impl::Speaker& s : e.speakers) {
    e.by_channel.push_back(&s);
  }
  // std::sort, not stable_sort: no temporary buffer, so a steady tick allocates nothing.
  std::sort(e.by_channel.begin(), e.by_channel.end(),
            [](const Impl::Speaker* a, const Impl::Speaker* b) {
              return a->channel != b->channel ? a->channel < b->channel : a->id < b->id;
            });
  auto member = e.by_channel.begin();
  for (std::size_t i = 0; i < e.channels.size(); ++i) {
    const EngineChannel& config = e.snapshot->channels[i];
    while (member != e.by_channel.end() && (*member)->channel < config.channel) {
      ++member;
    }
    auto end = member;
    while (end != e.by_channel.end() && (*end)->channel == config.channel) {
      ++end;
    }
    e.tick_channel(config, e.channels[i], std::span(member, end), now, out);
    member = end;
  }

  std::erase_if(e.speakers, [&](const Impl::Speaker& s) { return s.input->idle(now); });
  if (e.selection_changed) {
    auto snapshot = std::make_shared<SelectionSnapshot>();
    snapshot->channels.reserve(e.channels.size());
    for (const Impl::Channel& c : e.channels) {
      snapshot->channels.push_back(c.published);
    }
    out.selection = std::move(snapshot);
    e.selection_changed = false;
  }
}

void AudioEngine::Impl::tick_channel(const EngineChannel& config, Channel& channel,
                                     std::span<Speaker*> members, Clock::time_point now,
                                     TickOutput& out) {
  // Open microphones are judged under the policy in force at the start of this tick.
  const bool ptt_before = channel.ptt.on();
  heard.clear();
  std::size_t transmitting = 0;
  for (Speaker* s : members) {
    const DecodedFrame d = s->input->next(now, config.gate_dbfs, ptt_before, counters);
    heard.push_back({s->id, d.pcm, d.active, d.gate_open, d.open_mic, d.level_dbfs,
                     d.noise_floor_dbfs});
    transmitting += d.active ? 1 : 0;
    if (d.open_mic && !s->open_mic) {
      out.notices.push_back({EngineNotice::Kind::OpenMicrophone, config.channel, s->id});
    }
    s->open_mic = d.open_mic;
  }
  if (channel.ptt.update(config.transmit, config.auto_ptt_open_mics, transmitting, now)) {
    out.notices.push_back({channel.ptt.on() ? EngineNotice::Kind::PushToTalkOn
                                            : EngineNotice::Kind::PushToTalkOff,
                           config.channel, 0});
  }
  out.ticks.emplace_back();
  if (!channel.mix.tick(config, heard, channel.ptt.on(), now, out.ticks.back(), counters)) {
    out.ticks.pop_back();
  }
  const ChannelSelection& mix = channel.published;
  if (mix.selected != channel.mix.selected() || mix.blocked != channel.mix.blocked() ||
      mix.push_to_talk != channel.ptt.on()) {
    channel.published = {config.channel, channel.mix.selected(), channel.mix.blocked(),
                         channel.ptt.on()};
    selection_changed = true;
  }
}

const EngineCounters& AudioEngine::counters() const noexcept { return impl_->counters; }

}  // namespace plenum::server::audio
