// EndpointLearner: how much work a datagram from an unknown source may cost. Murmur tries every
// session whose TCP peer IP equals the source IP (MUMBLE_PROTOCOL.md §4.1); behind a large NAT
// that is hundreds of AES trials per datagram, so here each datagram gets a few, sessions that
// have no UDP endpoint yet go first, successive datagrams rotate through the rest, and a token
// bucket caps the trials per second so a flood stays cheap. Owned by the VoiceRelay (voice
// thread); the time is passed in.
#pragma once

#include "server/state/ids.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace plenum::server::voice {

struct LearnerLimits {
  std::size_t trials_per_datagram = 16;
  // A trial decrypt of a full datagram costs about a microsecond: at most a few ms per second.
  std::uint32_t trials_per_second = 4000;
};

class EndpointLearner {
 public:
  using Clock = std::chrono::steady_clock;

  EndpointLearner(LearnerLimits limits, Clock::time_point now) noexcept;

  // Fills `out` (cleared first) with the sessions to try for one datagram, from `peers` (the
  // sessions sharing its source IP): unbound ones first, then bound ones (a NAT may have given
  // a client a new port). False, with `out` empty, when the budget is spent.
  template <class IsBound>
  bool plan(std::span<const state::SessionId> peers, IsBound is_bound, Clock::time_point now,
            std::vector<state::SessionId>& out);

 private:
  std::size_t take_budget(std::size_t wanted, Clock::time_point now) noexcept;

  LearnerLimits limits_;
  double tokens_;
  Clock::time_point refilled_;
  std::size_t cursor_ = 0;  // rotates the starting peer between datagrams
};

template <class IsBound>
bool EndpointLearner::plan(std::span<const state::SessionId> peers, IsBound is_bound,
                           Clock::time_point now, std::vector<state::SessionId>& out) {
  out.clear();
  if (peers.empty()) return true;
  const std::size_t allowed = take_budget(std::min(limits_.trials_per_datagram, peers.size()), now);
  if (allowed == 0) return false;
  const std::size_t start = cursor_ % peers.size();
  cursor_ += allowed;
  for (const bool want_bound : {false, true}) {
    for (std::size_t i = 0; i < peers.size() && out.size() < allowed; ++i) {
      const state::SessionId session = peers[(start + i) % peers.size()];
      if (static_cast<bool>(is_bound(session)) == want_bound) out.push_back(session);
    }
  }
  return true;
}

}  // namespace plenum::server::voice
