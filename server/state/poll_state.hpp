// PollState: anonymous polls of plenary channels (DESIGN.md §4), one open poll per channel.
// Privacy: only counts leave this class. To keep one vote per user, changeable until close, it
// holds which option each voter's current ballot counts for — in memory only, never stored,
// logged or sent to anyone (chairs included), and dropped when the poll closes. Owned by
// ServerState (control-plane thread).
#pragma once

#include "server/state/ids.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plenum::server::state {

inline constexpr std::size_t kMaxPollOptions = 10;
inline constexpr std::size_t kMaxPollTextBytes = 300;

struct PollResult {
  std::string question;
  std::vector<std::string> options;
  std::vector<std::uint32_t> counts;  // per option
  std::uint32_t votes = 0;            // ballots cast
  bool operator==(const PollResult&) const = default;
};

enum class VoteOutcome : std::uint8_t { Counted, Changed, Unchanged, NoPoll, NoSuchOption };

class PollState {
 public:
  // False when the channel has an open poll already.
  bool open(ChannelId channel, std::string question, std::vector<std::string> options);
  // `option` counts from 1, as members type it.
  VoteOutcome vote(ChannelId channel, SessionId voter, std::size_t option);
  std::optional<PollResult> close(ChannelId channel);

  bool is_open(ChannelId channel) const { return polls_.contains(channel); }
  // The question, options and number of ballots of the open poll; counts stay zero until close.
  std::optional<PollResult> summary(ChannelId channel) const;

  void forget_channel(ChannelId channel) { polls_.erase(channel); }

 private:
  struct Poll {
    PollResult tally;
    std::map<SessionId, std::size_t> ballots;  // see the header comment
  };
  std::map<ChannelId, Poll> polls_;
};

}  // namespace plenum::server::state
