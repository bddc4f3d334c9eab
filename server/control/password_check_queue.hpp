// PasswordCheckQueue: runs the slow password checks (PBKDF2, ~0.24 s each under ASan) one at a
// time on the worker pool, from two lanes: logins from addresses with no recent failures go
// first, guesses from the others wait behind them and their lane is bounded. 120 guesses used to
// queue in one FIFO and make the real administrator's login wait 29 s (issue 12, defect 3).
// Owned by the ControlPlane; submit() and the callbacks run on the control thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_set>

namespace plenum::server::control {

class PasswordCheckQueue {
 public:
  // Runs on the control thread with the result; `ran` is false when the check was refused
  // unrun (the suspect lane was full).
  using Done = std::function<void(bool ok, bool ran)>;
  // Asked just before a queued check would run: false skips it (its session has gone).
  using Wanted = std::function<bool()>;
  enum class Lane : std::uint8_t { Clean, Suspect };

  PasswordCheckQueue(boost::asio::any_io_executor control, boost::asio::thread_pool& workers,
                     std::size_t suspect_capacity) noexcept
      : control_{std::move(control)}, workers_{workers}, suspect_capacity_{suspect_capacity} {}

  // `source` (the client's address) has at most one check waiting in the clean lane: more
  // from there go to the suspect lane (but are never refused for its size), so a burst of
  // guesses sent before the first one failed cannot fill the clean lane either.
  void submit(Lane lane, const std::string& source, std::string password, std::string hash,
              Wanted wanted, Done done);

  std::size_t waiting(Lane lane) const noexcept {
    return lane == Lane::Clean ? clean_.size() : suspect_.size();
  }

 private:
  struct Job {
    std::string source;  // set for clean-lane jobs only
    std::string password;
    std::string hash;
    Wanted wanted;
    Done done;
  };
  void start_next();

  boost::asio::any_io_executor control_;
  boost::asio::thread_pool& workers_;
  std::size_t suspect_capacity_;
  std::deque<Job> clean_;
  std::deque<Job> suspect_;
  std::unordered_set<std::string> clean_waiting_;  // sources with a clean-lane job
  bool busy_ = false;  // one check at a time: the pool's thread is shared with nothing else
};

}  // namespace plenum::server::control
