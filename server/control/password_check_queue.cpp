#include "server/control/password_check_queue.hpp"

#include "server/store/password_hash.hpp"

#include <boost/asio/post.hpp>

namespace plenum::server::control {

void PasswordCheckQueue::submit(Lane lane, const std::string& source, std::string password,
                                std::string hash, Wanted wanted, Done done) {
  if (lane == Lane::Suspect && suspect_.size() >= suspect_capacity_) {
    done(false, false);
    return;
  }
  Job job{{}, std::move(password), std::move(hash), std::move(wanted), std::move(done)};
  if (lane == Lane::Clean && !clean_waiting_.contains(source)) {
    clean_waiting_.insert(source);
    job.source = source;
    clean_.push_back(std::move(job));
  } else {
    suspect_.push_back(std::move(job));
  }
  if (!busy_) start_next();
}

void PasswordCheckQueue::start_next() {
  Job job;
  for (;;) {
    auto& lane = !clean_.empty() ? clean_ : suspect_;
    if (lane.empty()) {
      busy_ = false;
      return;
    }
    const bool clean = &lane == &clean_;
    job = std::move(lane.front());
    lane.pop_front();
    if (clean) {
      clean_waiting_.erase(job.source);
    }
    if (!job.wanted || job.wanted()) break;
  }
  busy_ = true;
  // The worker touches only what it was given (the queue may be gone when it finishes during
  // shutdown); the reply runs on the control thread, which stops before this object dies.
  boost::asio::post(workers_, [this, control = control_, job = std::move(job)]() mutable {
    const bool ok = store::verify_password(job.password, job.hash);
    boost::asio::post(control, [this, ok, done = std::move(job.done)] {
      done(ok, true);
      start_next();
    });
  });
}

}  // namespace plenum::server::control
