#include "server/state/account_registry.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

TEST_SUITE("state.accounts") {
  TEST_CASE("a fresh registry holds SuperUser as account 0, without a password") {
    AccountRegistry accounts;
    const Account* superuser = accounts.find(kSuperUserId);
    REQUIRE(superuser != nullptr);
    CHECK(superuser->name == "SuperUser");
    CHECK(superuser->password_hash.empty());
    CHECK(accounts.find_by_name("superuser") == superuser);
    CHECK_FALSE(accounts.remove(kSuperUserId));
  }

  TEST_CASE("new accounts take the lowest free id above 0 and unique names and certificates") {
    AccountRegistry accounts{{Account{0, "SuperUser", "", "x", {}, {}, {}}, Account{2, "bob", "bb", "", {}, {}, {}}}};
    CHECK(accounts.find(kSuperUserId)->password_hash == "x");
    CHECK(accounts.add("alice", "aa") == UserId{1});
    CHECK(accounts.add("carol", "cc") == UserId{3});
    CHECK_FALSE(accounts.add("ALICE", "dd").has_value());
    CHECK_FALSE(accounts.add("dave", "bb").has_value());
    CHECK(accounts.find_by_cert("cc")->name == "carol");
    CHECK(accounts.find_by_cert("") == nullptr);
  }

  TEST_CASE("accounts stop listening to removed channels, and keep the others") {
    AccountRegistry accounts;
    const UserId alice = *accounts.add("alice", "aa");
    accounts.find_mutable(alice)->listening.insert(3, 0.5F);
    accounts.find_mutable(alice)->listening.insert(4, 2.0F);
    accounts.find_mutable(kSuperUserId)->listening.insert(3);
    accounts.forget_listened({3, 8});
    CHECK(accounts.find(alice)->listening.size() == 1);
    CHECK(accounts.find(alice)->listening.volume(4) == 2.0F);
    CHECK(accounts.find(kSuperUserId)->listening.empty());
  }

  TEST_CASE("rename refuses a name another account holds, remove frees the id") {
    AccountRegistry accounts;
    const UserId alice = *accounts.add("alice", "aa");
    const UserId bob = *accounts.add("bob", "bb");
    CHECK_FALSE(accounts.rename(bob, "Alice"));
    CHECK(accounts.rename(bob, "robert"));
    CHECK(accounts.find_by_name("robert")->id == bob);
    CHECK(accounts.remove(alice));
    CHECK(accounts.find(alice) == nullptr);
    CHECK(accounts.add("eve", "ee") == alice);
  }
}
