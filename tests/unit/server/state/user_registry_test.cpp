#include "server/state/user_registry.hpp"

#include "server/state/state_error.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

namespace {

ConnectedUser named(SessionId session, std::string name, ChannelId channel = kRootChannel) {
  ConnectedUser user;
  user.session = session;
  user.name = std::move(name);
  user.channel = channel;
  return user;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("session ids are never 0 and are not reused quickly") {
  UserRegistry registry;
  const SessionId first = registry.allocate_session();
  CHECK(first == 1);
  registry.release_session(first);
  const SessionId second = registry.allocate_session();
  CHECK(second == 2);  // 1 is free again but not handed out next
  REQUIRE(registry.add(named(second, "alice")));
  CHECK(registry.remove(second));
  CHECK(registry.allocate_session() == 3);
  CHECK_FALSE(registry.is_allocated(second));
}

TEST_CASE("session allocation wraps past 2^32-1 and skips 0") {
  UserRegistry registry{0xFFFFFFFEU};
  CHECK(registry.allocate_session() == 0xFFFFFFFEU);
  REQUIRE(registry.add(named(0xFFFFFFFEU, "old")));
  CHECK(registry.allocate_session() == 0xFFFFFFFFU);
  CHECK(registry.allocate_session() == 1U);
}

TEST_CASE("add needs an allocated, unused session") {
  UserRegistry registry;
  CHECK(registry.add(named(5, "ghost")).error() == StateError::SessionNotAllocated);
  const SessionId session = registry.allocate_session();
  REQUIRE(registry.add(named(session, "alice")));
  CHECK(registry.add(named(session, "again")).error() == StateError::DuplicateSession);
  registry.release_session(session);  // a user's session is not released this way
  CHECK(registry.is_allocated(session));
}

TEST_CASE("lookups by name ignore case, by channel and account") {
  UserRegistry registry;
  const SessionId a = registry.allocate_session();
  const SessionId b = registry.allocate_session();
  const SessionId c = registry.allocate_session();
  REQUIRE(registry.add(named(a, "Alice", 3)));
  ConnectedUser bob = named(b, "bob", 3);
  bob.user_id = 12;
  REQUIRE(registry.add(bob));
  REQUIRE(registry.add(named(c, "carol")));
  CHECK(registry.find_by_name("aLiCe")->session == a);
  CHECK(registry.find_by_name("dave") == nullptr);
  CHECK(registry.find_by_user_id(12)->session == b);
  CHECK(registry.find_by_user_id(0) == nullptr);
  CHECK(registry.in_channel(3) == std::vector<SessionId>{a, b});
  CHECK(registry.count_in_channel(kRootChannel) == 1);
  CHECK(registry.size() == 3);
  CHECK(registry.remove(b)->name == "bob");
  CHECK_FALSE(registry.remove(b));
  CHECK(registry.find(b) == nullptr);
}

TEST_CASE("deaf implies mute, unmute undeafens, the same for the self_ flags [observed]") {
  UserFlagsChange deafen;
  deafen.deaf = true;
  CHECK(normalised(deafen).mute == true);
  UserFlagsChange unmute;
  unmute.mute = false;
  CHECK(normalised(unmute).deaf == false);
  UserFlagsChange self_deafen;
  self_deafen.self_deaf = true;  // {10:1} goes out as {9:1, 10:1}
  const UserFlagsChange out = normalised(self_deafen);
  CHECK(out.self_mute == true);
  CHECK(out.self_deaf == true);
  CHECK_FALSE(out.mute);
  UserFlagsChange self_unmute;
  self_unmute.self_mute = false;
  CHECK(normalised(self_unmute).self_deaf == false);
  UserFlagsChange contradiction;  // Murmur handles deaf first, so mute=false loses
  contradiction.deaf = true;
  contradiction.mute = false;
  CHECK(normalised(contradiction).mute == true);
  CHECK(normalised(contradiction).deaf == true);
  UserFlagsChange undeafen;
  undeafen.deaf = false;
  CHECK_FALSE(normalised(undeafen).mute);  // undeafening leaves mute alone

  ConnectedUser user;
  user.self_mute = true;
  user.self_deaf = true;
  apply(user, self_unmute);
  CHECK_FALSE(user.self_mute);
  CHECK_FALSE(user.self_deaf);
  apply(user, deafen);
  CHECK(user.mute);
  CHECK(user.deaf);
  CHECK(user.silenced());
  CHECK(user.hears_nothing());
}

}  // TEST_SUITE
