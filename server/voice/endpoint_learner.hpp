// EndpointLearner: how much work a datagram from an unknown source may cost. Murmur tries every
// session whose TCP peer IP equals the source IP (MUMBLE_PROTOCOL.md §4.1); behind a large NAT
// that is hundreds of AES trials per datagram. Here each datagram gets a bounded number: half go
// to the newest sessions without a UDP endpoint (a client's first datagram follows its login),
// the rest rotate through all the others between datagrams (a NAT may also move a bound client
// to a new port), and a token bucket caps the trials per second so a flood stays cheap. Owned by
// the VoiceRelay (voice thread); the time is passed in.
#pragma once

#include "server/state/ids.hpp"
#include "server/voice/token_bucket.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace plenum::server::voice {

struct LearnerLimits {
  std::size_t trials_per_datagram = 32;
  // A trial decrypt costs well under a microsecond for a ping and about one for a full
  // datagram: at most some 20 ms of one core per second.
  std::uint32_t trials_per_second = 20000;
};

class EndpointLearner {
 public:
  using Clock = std::chrono::steady_clock;

  EndpointLearner(LearnerLimits limits, Clock::time_point now) noexcept;

  // Fills `out` (cleared first) with the sessions to try for one datagram, from `peers` (the
  // sessions sharing its source IP, oldest first). False, with `out` empty, when the budget is
  // spent.
  template <class IsBound>
  bool plan(std::span<const state::SessionId> peers, IsBound is_bound, Clock::time_point now,
            std::vector<state::SessionId>& out);
  // Gives back the budget of planned trials that were not needed (an early match).
  void refund(std::size_t unused_trials) noexcept;

 private:
  std::size_t take_budget(std::size_t wanted, Clock::time_point now) noexcept;

  LearnerLimits limits_;
  TokenBucket budget_;
  std::size_t cursor_ = 0;  // rotates the starting peer between datagrams
};

template <class IsBound>
bool EndpointLearner::plan(std::span<const state::SessionId> peers, IsBound is_bound,
                           Clock::time_point now, std::vector<state::SessionId>& out) {
  out.clear();
  const std::size_t count = peers.size();
  if (count == 0) return true;
  const std::size_t allowed = take_budget(std::min(limits_.trials_per_datagram, count), now);
  if (allowed == 0) return false;
  // Newest unbound sessions, from the back; `scanned_from` marks how far that pass looked.
  const std::size_t newest = (allowed + 1) / 2;
  std::size_t scanned_from = count;
  while (scanned_from > 0 && out.size() < newest) {
    --scanned_from;
    if (!is_bound(peers[scanned_from])) out.push_back(peers[scanned_from]);
  }
  // Then everyone not picked yet, starting where the previous datagram's rotation stopped.
  const std::size_t start = cursor_ % count;
  for (std::size_t i = 0; i < count && out.size() < allowed; ++i) {
    const std::size_t index = (start + i) % count;
    if (index >= scanned_from && !is_bound(peers[index])) continue;
    out.push_back(peers[index]);
    cursor_ = index + 1;
  }
  return true;
}

}  // namespace plenum::server::voice
