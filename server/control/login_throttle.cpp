#include "server/control/login_throttle.hpp"

#include <algorithm>

namespace plenum::server::control {

std::size_t LoginThrottle::recent(const Failures& failures, Clock::time_point now) const {
  const auto since = now - settings_.timeframe;
  return static_cast<std::size_t>(std::count_if(failures.times.begin(), failures.times.end(),
                                                [&](Clock::time_point at) { return at > since; }));
}

void LoginThrottle::record(Failures& failures, Clock::time_point now) const {
  failures.times.push_back(now);
  // Only the last `attempts` failures can decide a ban: memory per address stays bounded.
  const std::size_t keep = std::max<std::size_t>(settings_.attempts, 1);
  while (failures.times.size() > keep) failures.times.pop_front();
}

bool LoginThrottle::banned(const std::string& address, Clock::time_point now) const {
  const auto it = addresses_.find(address);
  return it != addresses_.end() && now < it->second.banned_until;
}

bool LoginThrottle::suspect(const std::string& address, Clock::time_point now) const {
  const auto it = addresses_.find(address);
  return it != addresses_.end() && recent(it->second, now) > 0;
}

bool LoginThrottle::account_throttled(const std::string& account, Clock::time_point now) const {
  if (settings_.attempts == 0) return false;
  const auto it = accounts_.find(account);
  return it != accounts_.end() && recent(it->second, now) >= settings_.attempts;
}

bool LoginThrottle::on_failure(const std::string& address, const std::string& account,
                               Clock::time_point now) {
  if (!account.empty()) record(accounts_[account], now);
  Failures& failures = addresses_[address];
  record(failures, now);
  if (settings_.attempts == 0 || now < failures.banned_until) return false;
  if (recent(failures, now) < settings_.attempts) return false;
  failures.banned_until = now + settings_.ban_time;
  ++bans_issued_;
  return true;
}

void LoginThrottle::prune(Clock::time_point now) {
  const auto stale = [&](const auto& entry) {
    return now >= entry.second.banned_until && recent(entry.second, now) == 0;
  };
  std::erase_if(addresses_, stale);
  std::erase_if(accounts_, stale);
}

}  // namespace plenum::server::control
