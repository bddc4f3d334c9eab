#include "server/control/password_check_queue.hpp"

#include "server/store/password_hash.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace plenum::server::control;
using Lane = PasswordCheckQueue::Lane;

TEST_SUITE("control.password_check_queue") {

TEST_CASE("a check from a clean address runs before the guesses already waiting") {
  boost::asio::io_context control{1};
  // run_one() waits for the worker's reply instead of returning at once with no work queued.
  auto work = boost::asio::make_work_guard(control);
  boost::asio::thread_pool workers{1};
  PasswordCheckQueue queue{control.get_executor(), workers, 8};
  const std::string hash = plenum::server::store::hash_password("right");
  std::vector<std::string> order;
  const auto record = [&](std::string name) {
    return [&order, name = std::move(name)](bool ok, bool ran) {
      CHECK(ran);
      order.push_back(name + (ok ? "+" : "-"));
    };
  };
  // The first guess starts at once; the others wait in the suspect lane.
  queue.submit(Lane::Suspect, "guesser", "wrong-1", hash, {}, record("guess-1"));
  queue.submit(Lane::Suspect, "guesser", "wrong-2", hash, {}, record("guess-2"));
  queue.submit(Lane::Suspect, "guesser", "wrong-3", hash, {}, record("guess-3"));
  CHECK(queue.waiting(Lane::Suspect) == 2);
  queue.submit(Lane::Clean, "admin", "right", hash, {}, record("admin"));
  // A second clean check from the same address waits behind the guesses' lane.
  queue.submit(Lane::Clean, "admin", "wrong", hash, {}, record("admin-again"));
  CHECK(queue.waiting(Lane::Clean) == 1);
  while (order.size() < 5) control.run_one();
  CHECK(order == std::vector<std::string>{"guess-1-", "admin+", "guess-2-", "guess-3-", "admin-again-"});
}

TEST_CASE("the suspect lane is bounded and a check nobody wants any more is skipped") {
  boost::asio::io_context control{1};
  // run_one() waits for the worker's reply instead of returning at once with no work queued.
  auto work = boost::asio::make_work_guard(control);
  boost::asio::thread_pool workers{1};
  PasswordCheckQueue queue{control.get_executor(), workers, 1};
  const std::string hash = plenum::server::store::hash_password("right");
  int refused = 0;
  int done = 0;
  queue.submit(Lane::Suspect, "a", "x", hash, {}, [&](bool, bool) { ++done; });  // runs
  queue.submit(Lane::Suspect, "a", "x", hash, [] { return false; }, [&](bool, bool) { ++done; });  // waits
  queue.submit(Lane::Suspect, "a", "x", hash, {}, [&](bool, bool ran) { refused += ran ? 0 : 1; });
  CHECK(refused == 1);
  queue.submit(Lane::Clean, "b", "right", hash, {}, [&](bool ok, bool) { done += ok ? 10 : 0; });
  while (done < 11) control.run_one();
  work.reset();
  control.poll();
  CHECK(done == 11);  // the unwanted check never ran
}

}  // TEST_SUITE
