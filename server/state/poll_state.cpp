#include "server/state/poll_state.hpp"

namespace plenum::server::state {

bool PollState::open(ChannelId channel, std::string question, std::vector<std::string> options) {
  if (polls_.contains(channel)) return false;
  Poll poll;
  poll.tally.question = std::move(question);
  poll.tally.counts.assign(options.size(), 0);
  poll.tally.options = std::move(options);
  polls_.emplace(channel, std::move(poll));
  return true;
}

VoteOutcome PollState::vote(ChannelId channel, SessionId voter, std::size_t option) {
  auto it = polls_.find(channel);
  if (it == polls_.end()) return VoteOutcome::NoPoll;
  Poll& poll = it->second;
  if (option == 0 || option > poll.tally.options.size()) return VoteOutcome::NoSuchOption;
  const std::size_t index = option - 1;
  auto [ballot, first] = poll.ballots.try_emplace(voter, index);
  if (first) {
    ++poll.tally.counts[index];
    ++poll.tally.votes;
    return VoteOutcome::Counted;
  }
  if (ballot->second == index) return VoteOutcome::Unchanged;
  --poll.tally.counts[ballot->second];
  ++poll.tally.counts[index];
  ballot->second = index;
  return VoteOutcome::Changed;
}

std::optional<PollResult> PollState::close(ChannelId channel) {
  auto it = polls_.find(channel);
  if (it == polls_.end()) return std::nullopt;
  PollResult result = std::move(it->second.tally);
  polls_.erase(it);  // the ballots go with it
  return result;
}

std::optional<PollResult> PollState::summary(ChannelId channel) const {
  auto it = polls_.find(channel);
  if (it == polls_.end()) return std::nullopt;
  PollResult summary = it->second.tally;
  summary.counts.assign(summary.options.size(), 0);
  return summary;
}

}  // namespace plenum::server::state
