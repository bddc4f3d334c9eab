// SpeakerSelector: which speakers of one engine channel are selected this tick (forwarded to
// `topk` listeners, mixed for `mix` listeners). Owned by that channel's ChannelMix; engine thread.
//
// The rule, decided every 20 ms tick:
//  - Forced speakers (Mumble's priority speakers and the floor holders of plenary control) are
//    always selected, loud or silent, and take their slots first: k is the number of voices a
//    listener hears at once, and a chair who has the floor is one of them.
//  - The other slots (k minus the forced, if any are left) go to the loudest eligible speakers
//    (gate open, not an open microphone), ranked by a smoothed level (about 200 ms, so one loud
//    syllable does not rank a speaker).
//  - A free slot is filled at once: a new speaker's first words must not wait for a decision
//    window (Jitsi's dominant-speaker detection decides every 300 ms; waiting that long here would
//    cut every speech's onset in `topk`).
//  - A full set changes only when an unselected speaker is louder than the quietest replaceable
//    member by at least `replace_margin_db` (6 dB), and that member has been selected for at
//    least `min_hold` (1 s). One swap per tick at most. So equal or close levels never swap, and
//    a speaker who just came in stays long enough to be understood.
//  - A selected speaker whose gate closes (its own hangover already elapsed, so it really
//    stopped) leaves after `release_hold` (300 ms), so a breath between sentences keeps the slot.
#pragma once

#include "server/audio/engine_frames.hpp"

#include <chrono>
#include <cstddef>
#include <span>
#include <vector>

namespace plenum::server::audio {

struct SelectionTuning {
  float replace_margin_db = 6.0F;
  std::chrono::milliseconds min_hold{1000};
  std::chrono::milliseconds release_hold{300};
  // Weight of the newest frame in the smoothed level: 0.1 per 20 ms is a ~200 ms time constant.
  float level_smoothing = 0.1F;
};

// One speaker of the channel in this tick.
struct SelectionCandidate {
  SessionId speaker = 0;
  bool eligible = false;   // active stream, gate open, not an open microphone
  float level_dbfs = -120.0F;
};

class SpeakerSelector {
 public:
  explicit SpeakerSelector(const SelectionTuning& tuning = {}) : tuning_(tuning) {}

  // candidates: every speaker heard in the channel this tick (any order, each once);
  // forced: priority speakers and floor holders (ascending); k: voices at once (1..kMaxSelected).
  void update(std::span<const SelectionCandidate> candidates, std::span<const SessionId> forced,
              std::size_t k, Clock::time_point now);

  // Ascending session ids.
  const std::vector<SessionId>& selected() const noexcept { return selected_; }
  bool is_selected(SessionId speaker) const noexcept;

 private:
  struct Ranked {
    SessionId speaker = 0;
    float score_dbfs = -120.0F;    // smoothed level while eligible
    bool eligible = false;
    bool selected = false;
    bool seen = false;             // among this tick's candidates
    Clock::time_point selected_since{};
    Clock::time_point last_eligible{};
  };

  Ranked& entry(SessionId speaker);
  void refresh(std::span<const SelectionCandidate> candidates, Clock::time_point now);
  void release_stopped(Clock::time_point now);
  void fill_and_swap(std::size_t slots, std::span<const SessionId> forced, Clock::time_point now);
  void publish(std::span<const SessionId> forced);

  SelectionTuning tuning_;
  // One entry per speaker heard in the last tick (sorted by id); dropped when not heard, so the
  // state stays bounded by the channel's speakers.
  std::vector<Ranked> ranked_;
  std::vector<SessionId> selected_;
  std::vector<Ranked*> scratch_;
};

}  // namespace plenum::server::audio
