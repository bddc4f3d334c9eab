// BreakoutState: the small groups of plenary channels (DESIGN.md §4): which temporary channels
// a `/breakout` made under which plenary channel, and when they end. Memory only. Owned by
// ServerState (control-plane thread); time comes in as arguments.
#pragma once

#include "server/state/floor_state.hpp"
#include "server/state/ids.hpp"

#include <map>
#include <optional>
#include <vector>

namespace plenum::server::state {

struct Breakout {
  std::vector<ChannelId> groups;
  std::optional<FloorClock::time_point> ends;  // nullopt: until /return
  bool warned = false;                         // the one-minute warning went out
  bool operator==(const Breakout&) const = default;
};

class BreakoutState {
 public:
  bool start(ChannelId plenary, Breakout breakout);  // false if one runs there already
  std::optional<Breakout> finish(ChannelId plenary);
  const Breakout* find(ChannelId plenary) const;
  // The plenary channel whose group `channel` is, or `channel` itself if it runs a breakout.
  std::optional<ChannelId> plenary_of(ChannelId channel) const;
  // A group channel went away (emptied temporary, or removed by an admin).
  void forget_group(ChannelId group);
  void forget_channel(ChannelId plenary) { breakouts_.erase(plenary); }

  // Breakouts whose end or one-minute warning is due at `now`: the warnings are marked sent.
  struct Due {
    std::vector<ChannelId> warn;    // one minute left
    std::vector<ChannelId> finish;  // time is up
  };
  Due due(FloorClock::time_point now);
  std::optional<FloorClock::time_point> next_due() const;

 private:
  std::map<ChannelId, Breakout> breakouts_;
};

}  // namespace plenum::server::state
