// FloorState: live floor control of plenary channels (DESIGN.md §4): who holds the floor, the
// speaker queue with points of order, who has spoken, speaking-time warnings and mute-all.
// Memory only: never stored, logged or sent except as the floor announcements. Owned by
// ServerState (control-plane thread); time comes in as arguments, so tests drive it by hand.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/plenary_settings.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace plenum::server::state {

using FloorClock = std::chrono::steady_clock;

struct QueueEntry {
  SessionId session = 0;
  std::string topic;            // /hand [topic]; may be empty
  bool point_of_order = false;  // /point: ahead of everyone else, marked for the chair
  bool operator==(const QueueEntry&) const = default;
};

struct FloorHolder {
  SessionId session = 0;
  FloorClock::time_point since;
  bool warned_30 = false;  // the warnings of a time limit, sent once each
  bool warned_10 = false;
  bool operator==(const FloorHolder&) const = default;
};

// A speaking-time event for one holder: a warning with the seconds left, or the end.
struct FloorTimeEvent {
  enum class Kind : std::uint8_t { Warning, Expired };
  Kind kind = Kind::Warning;
  SessionId session = 0;
  std::uint32_t seconds_left = 0;
  bool operator==(const FloorTimeEvent&) const = default;
};

// What /hand and /point did.
struct QueuePlace {
  std::size_t position = 0;  // 1 = next
  bool moved = false;        // was already queued (topic or mark updated)
};

class FloorState {
 public:
  // Who may speak now whatever the floor (the lead's snapshot builder: the engine always
  // selects and mixes these). Empty for a channel without floor.
  std::vector<SessionId> floor_holders(ChannelId channel) const;
  bool holds_floor(ChannelId channel, SessionId session) const;
  // A member not holding the floor in a moderated or muted-all channel is silenced; the caller
  // exempts chairs.
  bool silences(ChannelId channel, SessionId session, bool moderated) const;
  bool muted_all(ChannelId channel) const;

  // The queue as it will be served: points of order first, then (first-time-first) those who
  // have not had the floor in this channel yet, then the rest; each group in arrival order.
  std::vector<QueueEntry> queue(ChannelId channel, QueuePolicy policy) const;
  std::optional<std::size_t> position(ChannelId channel, SessionId session, QueuePolicy policy) const;
  bool has_spoken(ChannelId channel, SessionId session) const;

  // Members. A holder cannot queue (nullopt).
  std::optional<QueuePlace> raise_hand(ChannelId channel, SessionId session, std::string topic,
                                       QueuePolicy policy);
  std::optional<QueuePlace> point_of_order(ChannelId channel, SessionId session, QueuePolicy policy);
  bool lower_hand(ChannelId channel, SessionId session);

  // Chairs. next() takes the floor from every holder and gives it to the head of the queue.
  struct Next {
    std::vector<SessionId> taken;
    std::optional<QueueEntry> given;
  };
  Next next(ChannelId channel, QueuePolicy policy, FloorClock::time_point now);
  // Gives `session` the floor (out of the queue if it was there); false if it already holds it.
  bool give(ChannelId channel, SessionId session, FloorClock::time_point now);
  bool take(ChannelId channel, SessionId session);
  std::vector<SessionId> take_all(ChannelId channel);
  std::size_t clear_queue(ChannelId channel);
  // Returns false when nothing changed.
  bool set_muted_all(ChannelId channel, bool muted);
  // /time: the limit for the current and following holders (0: none), over the channel's.
  void set_time_limit(ChannelId channel, std::uint32_t seconds);
  std::optional<std::uint32_t> time_limit_override(ChannelId channel) const;

  // Speaking time. `limit_s` is the effective limit (0: none). due() marks what it returns:
  // a warning at 30 s and at 10 s left (for limits longer than that), then the floor is taken.
  std::vector<FloorTimeEvent> due(ChannelId channel, std::uint32_t limit_s, FloorClock::time_point now);
  std::optional<FloorClock::time_point> next_due(ChannelId channel, std::uint32_t limit_s) const;
  std::vector<ChannelId> channels() const;  // channels with any floor state

  // A user left `channel`: out of its queue and floor (it keeps having spoken there, so a return
  // from a breakout group does not put it first again). True if it was in either.
  bool leave(ChannelId channel, SessionId session);
  // A user disconnected: gone from every channel's floor, queue and record of who spoke.
  void forget_session(SessionId session);
  void forget_channel(ChannelId channel);

 private:
  struct ChannelFloor {
    std::vector<FloorHolder> holders;  // in the order they got the floor
    std::vector<QueueEntry> arrivals;  // arrival order; queue() orders them
    std::set<SessionId> spoken;        // had the floor here while connected
    bool muted_all = false;
    std::optional<std::uint32_t> time_limit_s;
  };
  ChannelFloor* find(ChannelId channel);
  const ChannelFloor* find(ChannelId channel) const;
  void drop_if_empty(ChannelId channel);

  std::map<ChannelId, ChannelFloor> channels_;
};

}  // namespace plenum::server::state
