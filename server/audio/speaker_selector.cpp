#include "server/audio/speaker_selector.hpp"

#include <algorithm>
#include <limits>

namespace plenum::server::audio {
namespace {

bool contains(std::span<const SessionId> ascending, SessionId speaker) {
  return std::binary_search(ascending.begin(), ascending.end(), speaker);
}

}  // namespace

bool SpeakerSelector::is_selected(SessionId speaker) const noexcept {
  return std::binary_search(selected_.begin(), selected_.end(), speaker);
}

SpeakerSelector::Ranked& SpeakerSelector::entry(SessionId speaker) {
  const auto it = std::lower_bound(ranked_.begin(), ranked_.end(), speaker,
                                   [](const Ranked& r, SessionId id) { return r.speaker < id; });
  if (it != ranked_.end() && it->speaker == speaker) {
    return *it;
  }
  Ranked fresh;
  fresh.speaker = speaker;
  return *ranked_.insert(it, fresh);
}

void SpeakerSelector::update(std::span<const SelectionCandidate> candidates,
                             std::span<const SessionId> forced, std::size_t k,
                             Clock::time_point now) {
  k = std::clamp<std::size_t>(k, 1, kMaxSelected);
  refresh(candidates, now);
  for (Ranked& r : ranked_) {
    // A forced speaker holds its slot by right, not by level.
    if (contains(forced, r.speaker)) {
      r.selected = false;
    }
  }
  release_stopped(now);
  const std::size_t slots = k > forced.size() ? k - forced.size() : 0;
  fill_and_swap(slots, forced, now);
  publish(forced);
}

void SpeakerSelector::refresh(std::span<const SelectionCandidate> candidates,
                              Clock::time_point now) {
  for (Ranked& r : ranked_) {
    r.seen = false;
  }
  for (const SelectionCandidate& c : candidates) {
    Ranked& r = entry(c.speaker);
    if (c.eligible) {
      // A new burst starts from its own level; a continuing one is smoothed.
      r.score_dbfs = r.eligible ? r.score_dbfs + tuning_.level_smoothing * (c.level_dbfs - r.score_dbfs)
                                : c.level_dbfs;
      r.last_eligible = now;
    }
    r.eligible = c.eligible;
    r.seen = true;
  }
  // Speakers not heard this tick (gone, moved, idle) leave the state and the selection.
  std::erase_if(ranked_, [](const Ranked& r) { return !r.seen; });
}

void SpeakerSelector::release_stopped(Clock::time_point now) {
  for (Ranked& r : ranked_) {
    if (r.selected && !r.eligible && now - r.last_eligible >= tuning_.release_hold) {
      r.selected = false;
    }
  }
}

void SpeakerSelector::fill_and_swap(std::size_t slots, std::span<const SessionId> forced,
                                    Clock::time_point now) {
  // Quietest first; ties by id so the order is deterministic.
  const auto quieter = [](const Ranked* a, const Ranked* b) {
    return a->score_dbfs != b->score_dbfs ? a->score_dbfs < b->score_dbfs : a->speaker > b->speaker;
  };
  scratch_.clear();
  for (Ranked& r : ranked_) {
    if (r.selected) {
      scratch_.push_back(&r);
    }
  }
  // Fewer slots than members (k lowered, or more forced speakers): the quietest leave.
  std::sort(scratch_.begin(), scratch_.end(), quieter);
  std::size_t members = scratch_.size();
  for (std::size_t i = 0; members > slots; ++i, --members) {
    scratch_[i]->selected = false;
  }

  scratch_.clear();
  for (Ranked& r : ranked_) {
    if (!r.selected && r.eligible && !contains(forced, r.speaker)) {
      scratch_.push_back(&r);
    }
  }
  std::sort(scratch_.begin(), scratch_.end(), [&](const Ranked* a, const Ranked* b) {
    return quieter(b, a);
  });
  auto challenger = scratch_.begin();
  for (; challenger != scratch_.end() && members < slots; ++challenger, ++members) {
    (*challenger)->selected = true;
    (*challenger)->selected_since = now;
  }
  if (challenger == scratch_.end() || slots == 0) {
    return;
  }
  Ranked* victim = nullptr;
  for (Ranked& r : ranked_) {
    if (r.selected && now - r.selected_since >= tuning_.min_hold &&
        (victim == nullptr || quieter(&r, victim))) {
      victim = &r;
    }
  }
  if (victim != nullptr &&
      (*challenger)->score_dbfs >= victim->score_dbfs + tuning_.replace_margin_db) {
    victim->selected = false;
    (*challenger)->selected = true;
    (*challenger)->selected_since = now;
  }
}

void SpeakerSelector::publish(std::span<const SessionId> forced) {
  selected_.clear();
  const std::size_t forced_kept = std::min(forced.size(), kMaxSelected);
  selected_.assign(forced.begin(), forced.begin() + static_cast<std::ptrdiff_t>(forced_kept));
  for (const Ranked& r : ranked_) {
    if (r.selected && selected_.size() < kMaxSelected) {
      selected_.push_back(r.speaker);
    }
  }
  std::sort(selected_.begin(), selected_.end());
  selected_.erase(std::unique(selected_.begin(), selected_.end()), selected_.end());
}

}  // namespace plenum::server::audio
