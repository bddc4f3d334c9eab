#include "server/state/breakout_state.hpp"

#include <algorithm>

namespace plenum::server::state {

namespace {

constexpr auto kWarningBefore = std::chrono::minutes{1};

}  // namespace

bool BreakoutState::start(ChannelId plenary, Breakout breakout) {
  return breakouts_.emplace(plenary, std::move(breakout)).second;
}

std::optional<Breakout> BreakoutState::finish(ChannelId plenary) {
  auto it = breakouts_.find(plenary);
  if (it == breakouts_.end()) return std::nullopt;
  Breakout done = std::move(it->second);
  breakouts_.erase(it);
  return done;
}

const Breakout* BreakoutState::find(ChannelId plenary) const {
  auto it = breakouts_.find(plenary);
  return it == breakouts_.end() ? nullptr : &it->second;
}

std::optional<ChannelId> BreakoutState::plenary_of(ChannelId channel) const {
  if (breakouts_.contains(channel)) return channel;
  for (const auto& [plenary, breakout] : breakouts_) {
    if (std::find(breakout.groups.begin(), breakout.groups.end(), channel) != breakout.groups.end()) return plenary;
  }
  return std::nullopt;
}

void BreakoutState::forget_group(ChannelId group) {
  for (auto& [plenary, breakout] : breakouts_) std::erase(breakout.groups, group);
}

BreakoutState::Due BreakoutState::due(FloorClock::time_point now) {
  Due result;
  for (auto& [plenary, breakout] : breakouts_) {
    if (!breakout.ends) continue;
    if (now >= *breakout.ends) {
      result.finish.push_back(plenary);
    } else if (!breakout.warned && now >= *breakout.ends - kWarningBefore) {
      breakout.warned = true;
      result.warn.push_back(plenary);
    }
  }
  return result;
}

std::optional<FloorClock::time_point> BreakoutState::next_due() const {
  std::optional<FloorClock::time_point> earliest;
  for (const auto& [plenary, breakout] : breakouts_) {
    if (!breakout.ends) continue;
    const auto t = breakout.warned ? *breakout.ends : *breakout.ends - kWarningBefore;
    if (!earliest || t < *earliest) earliest = t;
  }
  return earliest;
}

}  // namespace plenum::server::state
