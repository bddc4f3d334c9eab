// LoginThrottle: failed logins per address and per account, and Murmur's autoban (autobanAttempts
// failures within autobanTimeframe refuse the address for autobanTime). Memory only, never
// stored; addresses live here only as long as their failures or ban. Pure logic with an injected
// clock; owned by the ControlPlane and touched only on its thread.
#pragma once

#include "server/config/server_config.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

namespace plenum::server::control {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(config::AutobanConfig settings) noexcept : settings_{settings} {}

  // Refused until its autoban ends.
  bool banned(const std::string& address, Clock::time_point now) const;
  // An address with a failure within the timeframe: its password checks queue behind those of
  // clean addresses (a login from a clean address never waits behind guesses).
  bool suspect(const std::string& address, Clock::time_point now) const;
  // An account with autobanAttempts failures within the timeframe: checks for it from suspect
  // addresses are refused without being run, so guessing gets no further from anywhere that has
  // guessed before.
  bool account_throttled(const std::string& account, Clock::time_point now) const;
  // Records a failed login; true when it banned the address just now.
  bool on_failure(const std::string& address, const std::string& account, Clock::time_point now);
  // Forgets failures older than the timeframe and bans that ended (the sweep calls it).
  void prune(Clock::time_point now);

  std::size_t tracked_addresses() const noexcept { return addresses_.size(); }
  std::uint64_t bans_issued() const noexcept { return bans_issued_; }

 private:
  struct Failures {
    std::deque<Clock::time_point> times;  // at most max(attempts, 1), oldest first
    Clock::time_point banned_until{};
  };
  std::size_t recent(const Failures& failures, Clock::time_point now) const;
  void record(Failures& failures, Clock::time_point now) const;

  config::AutobanConfig settings_;
  std::unordered_map<std::string, Failures> addresses_;
  std::unordered_map<std::string, Failures> accounts_;
  std::uint64_t bans_issued_ = 0;
};

}  // namespace plenum::server::control
