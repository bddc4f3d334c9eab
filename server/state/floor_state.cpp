#include "server/state/floor_state.hpp"

#include <algorithm>

namespace plenum::server::state {

namespace {

constexpr std::uint32_t kFirstWarningS = 30, kLastWarningS = 10;

bool is(SessionId session, const QueueEntry& entry) { return entry.session == session; }

}  // namespace

FloorState::ChannelFloor* FloorState::find(ChannelId channel) {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : &it->second;
}

const FloorState::ChannelFloor* FloorState::find(ChannelId channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : &it->second;
}

void FloorState::drop_if_empty(ChannelId channel) {
  const ChannelFloor* floor = find(channel);
  if (floor && floor->holders.empty() && floor->arrivals.empty() && floor->spoken.empty() && !floor->muted_all &&
      !floor->time_limit_s) {
    channels_.erase(channel);
  }
}

std::vector<SessionId> FloorState::floor_holders(ChannelId channel) const {
  std::vector<SessionId> holders;
  if (const ChannelFloor* floor = find(channel)) {
    for (const auto& holder : floor->holders) holders.push_back(holder.session);
  }
  return holders;
}

bool FloorState::holds_floor(ChannelId channel, SessionId session) const {
  const ChannelFloor* floor = find(channel);
  return floor && std::any_of(floor->holders.begin(), floor->holders.end(),
                              [&](const FloorHolder& h) { return h.session == session; });
}

bool FloorState::silences(ChannelId channel, SessionId session, bool moderated) const {
  if (!moderated && !muted_all(channel)) return false;
  return !holds_floor(channel, session);
}

bool FloorState::muted_all(ChannelId channel) const {
  const ChannelFloor* floor = find(channel);
  return floor && floor->muted_all;
}

std::vector<QueueEntry> FloorState::queue(ChannelId channel, QueuePolicy policy) const {
  std::vector<QueueEntry> ordered;
  const ChannelFloor* floor = find(channel);
  if (!floor) return ordered;
  ordered = floor->arrivals;
  // Stable: each group keeps arrival order.
  std::stable_partition(ordered.begin(), ordered.end(), [](const QueueEntry& e) { return e.point_of_order; });
  if (policy == QueuePolicy::FirstTimeFirst) {
    const auto rest = std::find_if(ordered.begin(), ordered.end(), [](const QueueEntry& e) { return !e.point_of_order; });
    std::stable_partition(rest, ordered.end(), [&](const QueueEntry& e) { return !floor->spoken.contains(e.session); });
  }
  return ordered;
}

std::optional<std::size_t> FloorState::position(ChannelId channel, SessionId session, QueuePolicy policy) const {
  const auto ordered = queue(channel, policy);
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i].session == session) return i + 1;
  }
  return std::nullopt;
}

bool FloorState::has_spoken(ChannelId channel, SessionId session) const {
  const ChannelFloor* floor = find(channel);
  return floor && floor->spoken.contains(session);
}

std::optional<QueuePlace> FloorState::raise_hand(ChannelId channel, SessionId session, std::string topic,
                                                 QueuePolicy policy) {
  if (holds_floor(channel, session)) return std::nullopt;
  ChannelFloor& floor = channels_[channel];
  auto it = std::find_if(floor.arrivals.begin(), floor.arrivals.end(), [&](const QueueEntry& e) { return is(session, e); });
  const bool moved = it != floor.arrivals.end();
  if (moved) {
    if (!topic.empty()) it->topic = std::move(topic);
  } else {
    floor.arrivals.push_back(QueueEntry{session, std::move(topic), false});
  }
  return QueuePlace{*position(channel, session, policy), moved};
}

std::optional<QueuePlace> FloorState::point_of_order(ChannelId channel, SessionId session, QueuePolicy policy) {
  if (holds_floor(channel, session)) return std::nullopt;
  ChannelFloor& floor = channels_[channel];
  auto it = std::find_if(floor.arrivals.begin(), floor.arrivals.end(), [&](const QueueEntry& e) { return is(session, e); });
  const bool moved = it != floor.arrivals.end();
  QueueEntry entry{session, "point of order", true};
  if (moved) floor.arrivals.erase(it);
  // Behind earlier points of order: a new arrival among them.
  floor.arrivals.push_back(std::move(entry));
  return QueuePlace{*position(channel, session, policy), moved};
}

bool FloorState::lower_hand(ChannelId channel, SessionId session) {
  ChannelFloor* floor = find(channel);
  if (!floor) return false;
  const auto removed = std::erase_if(floor->arrivals, [&](const QueueEntry& e) { return is(session, e); });
  drop_if_empty(channel);
  return removed != 0;
}

FloorState::Next FloorState::next(ChannelId channel, QueuePolicy policy, FloorClock::time_point now) {
  Next result;
  result.taken = take_all(channel);
  const auto ordered = queue(channel, policy);
  if (ordered.empty()) return result;
  result.given = ordered.front();
  give(channel, ordered.front().session, now);
  return result;
}

bool FloorState::give(ChannelId channel, SessionId session, FloorClock::time_point now) {
  if (holds_floor(channel, session)) return false;
  ChannelFloor& floor = channels_[channel];
  std::erase_if(floor.arrivals, [&](const QueueEntry& e) { return is(session, e); });
  floor.holders.push_back(FloorHolder{session, now, false, false});
  floor.spoken.insert(session);
  return true;
}

bool FloorState::take(ChannelId channel, SessionId session) {
  ChannelFloor* floor = find(channel);
  if (!floor) return false;
  const auto removed = std::erase_if(floor->holders, [&](const FloorHolder& h) { return h.session == session; });
  drop_if_empty(channel);
  return removed != 0;
}

std::vector<SessionId> FloorState::take_all(ChannelId channel) {
  std::vector<SessionId> taken = floor_holders(channel);
  if (ChannelFloor* floor = find(channel)) floor->holders.clear();
  drop_if_empty(channel);
  return taken;
}

std::size_t FloorState::clear_queue(ChannelId channel) {
  ChannelFloor* floor = find(channel);
  if (!floor) return 0;
  const std::size_t cleared = floor->arrivals.size();
  floor->arrivals.clear();
  drop_if_empty(channel);
  return cleared;
}

bool FloorState::set_muted_all(ChannelId channel, bool muted) {
  if (muted_all(channel) == muted) return false;
  channels_[channel].muted_all = muted;
  drop_if_empty(channel);
  return true;
}

void FloorState::set_time_limit(ChannelId channel, std::uint32_t seconds) {
  ChannelFloor& floor = channels_[channel];
  floor.time_limit_s = seconds;
  // A new limit starts its warnings afresh for the current holders.
  for (auto& holder : floor.holders) holder.warned_30 = holder.warned_10 = false;
}

std::optional<std::uint32_t> FloorState::time_limit_override(ChannelId channel) const {
  const ChannelFloor* floor = find(channel);
  return floor ? floor->time_limit_s : std::nullopt;
}

std::vector<FloorTimeEvent> FloorState::due(ChannelId channel, std::uint32_t limit_s, FloorClock::time_point now) {
  std::vector<FloorTimeEvent> events;
  ChannelFloor* floor = find(channel);
  if (!floor || limit_s == 0) return events;
  const auto limit = std::chrono::seconds{limit_s};
  std::vector<SessionId> expired;
  for (auto& holder : floor->holders) {
    const auto end = holder.since + limit;
    if (now >= end) {
      events.push_back(FloorTimeEvent{FloorTimeEvent::Kind::Expired, holder.session, 0});
      expired.push_back(holder.session);
      continue;
    }
    const auto left_s = static_cast<std::uint32_t>(
        std::chrono::ceil<std::chrono::seconds>(end - now).count());
    // Two marks crossed at once (a shorter /time): only the nearer warning is worth sending.
    if (limit_s > kLastWarningS && !holder.warned_10 && left_s <= kLastWarningS) {
      holder.warned_10 = holder.warned_30 = true;
      events.push_back(FloorTimeEvent{FloorTimeEvent::Kind::Warning, holder.session, left_s});
    } else if (limit_s > kFirstWarningS && !holder.warned_30 && left_s <= kFirstWarningS) {
      holder.warned_30 = true;
      events.push_back(FloorTimeEvent{FloorTimeEvent::Kind::Warning, holder.session, left_s});
    }
  }
  for (const auto session : expired) {
    std::erase_if(floor->holders, [&](const FloorHolder& h) { return h.session == session; });
  }
  drop_if_empty(channel);
  return events;
}

std::optional<FloorClock::time_point> FloorState::next_due(ChannelId channel, std::uint32_t limit_s) const {
  const ChannelFloor* floor = find(channel);
  if (!floor || limit_s == 0) return std::nullopt;
  std::optional<FloorClock::time_point> earliest;
  const auto consider = [&](FloorClock::time_point t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  for (const auto& holder : floor->holders) {
    const auto end = holder.since + std::chrono::seconds{limit_s};
    consider(end);
    if (limit_s > kLastWarningS && !holder.warned_10) consider(end - std::chrono::seconds{kLastWarningS});
    if (limit_s > kFirstWarningS && !holder.warned_30) consider(end - std::chrono::seconds{kFirstWarningS});
  }
  return earliest;
}

std::vector<ChannelId> FloorState::channels() const {
  std::vector<ChannelId> ids;
  for (const auto& [id, floor] : channels_) ids.push_back(id);
  return ids;
}

bool FloorState::leave(ChannelId channel, SessionId session) {
  ChannelFloor* floor = find(channel);
  if (!floor) return false;
  const auto queued = std::erase_if(floor->arrivals, [&](const QueueEntry& e) { return is(session, e); });
  const auto held = std::erase_if(floor->holders, [&](const FloorHolder& h) { return h.session == session; });
  drop_if_empty(channel);
  return queued + held != 0;
}

void FloorState::forget_session(SessionId session) {
  for (auto& [channel, floor] : channels_) {
    std::erase_if(floor.arrivals, [&](const QueueEntry& e) { return is(session, e); });
    std::erase_if(floor.holders, [&](const FloorHolder& h) { return h.session == session; });
    floor.spoken.erase(session);
  }
  for (const auto channel : channels()) drop_if_empty(channel);
}

void FloorState::forget_channel(ChannelId channel) { channels_.erase(channel); }

}  // namespace plenum::server::state
