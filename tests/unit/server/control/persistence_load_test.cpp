#include "server/control/persistence.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace plenum::server;

TEST_SUITE("control.persistence") {
  TEST_CASE("stored listeners come back on their accounts, with their volumes") {
    store::StoredState stored;
    stored.channels = {{0, std::nullopt, "Root", "", 0, 0, false}, {1, 0, "Hall", "", 0, 0, true},
                       {2, 0, "Annex", "", 0, 0, true}};
    stored.users = {{0, "SuperUser", "", "", std::nullopt, std::nullopt},
                    {7, "alice", "", "", std::nullopt, std::nullopt}};
    stored.listeners = {{7, 1, 0.5F},
                        {7, 2, std::numeric_limits<float>::quiet_NaN()},  // edited by hand
                        {7, 9, 2.0F},                                       // no such channel
                        {8, 1, 2.0F}};                                      // no such user
    const auto loaded = control::load_state(stored, config::ServerConfig{});
    const state::Account* alice = loaded.accounts.find(7);
    REQUIRE(alice != nullptr);
    CHECK(alice->listening.size() == 2);
    CHECK(alice->listening.volume(1) == 0.5F);
    CHECK(alice->listening.contains(2));
    CHECK(alice->listening.volume(2) == 1.0F);
    CHECK(loaded.accounts.find(0)->listening.empty());
  }
}
