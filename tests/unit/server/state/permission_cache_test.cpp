#include "server/state/permission_cache.hpp"

#include "server/state/state_error.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

TEST_SUITE("state") {

TEST_CASE("the permission cache keeps entries of one tree revision") {
  PermissionCache cache;
  const Permissions speak = Permission::Speak;
  cache.store(1, 0, 5, speak);
  cache.store(1, 2, 5, Permission::Enter);
  cache.store(2, 0, 5, Permission::Move);
  CHECK(cache.find(1, 0, 5) == speak);
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.find(1, 0, 6));  // the tree changed since
  CHECK_FALSE(cache.find(3, 0, 5));
  cache.forget(1);
  CHECK_FALSE(cache.find(1, 2, 5));
  CHECK(cache.find(2, 0, 5) == Permissions{Permission::Move});
  cache.store(2, 1, 6, speak);  // a new revision drops the old entries
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.find(2, 0, 6));
  cache.clear();
  CHECK(cache.size() == 0);
}

TEST_CASE("state errors have a category and messages") {
  const boost::system::error_code error = StateError::WouldCycle;
  CHECK(error.category().name() == std::string_view{"plenum.state"});
  CHECK(error.message() == "a channel cannot move below itself");
}

}  // TEST_SUITE
