#include "server/store/store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server/store/store_error.hpp"
#include "unit/server/store/store_records.hpp"
#include "unit/server/store/temp_dir.hpp"

using namespace plenum::server::store;
using plenum::server::log::Level;
using plenum::server::log::Logger;
using plenum::test::TempDir;
using plenum::test::write_state;

namespace {

// Reads the database through the store thread, the only thread allowed to touch it.
StoredState load_through(Store& store) {
  StoredState state;
  store.post([&](Database& db) { state = db.load(); });
  store.flush();
  return state;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("posted writes apply in order and flush waits for them") {
    TempDir dir;
    Logger logger{Level::Error, false, false};
    Store store{std::make_unique<Database>(dir / "plenum.sqlite"), logger};
    // Children after parents: out of order, the foreign key would fail.
    store.upsert_channel({0, std::nullopt, "Root", "", 0, 0, true});
    for (ChannelId id = 1; id <= 50; ++id) store.upsert_channel({id, id - 1, "c", "", 0, 0, true});
    for (int i = 0; i < 200; ++i) store.set_setting("counter", std::to_string(i));
    store.flush();
    CHECK(store.writes_committed() == 251);
    CHECK(store.writes_failed() == 0);
    const StoredState state = load_through(store);
    CHECK(state.channels.size() == 51);
    CHECK(state.settings.at("counter") == "199");
  }

  TEST_CASE("each write has a number, and the finished listener hears every commit in order") {
    TempDir dir;
    Logger logger{Level::Error, false, false};
    // Before the store: its thread may still call the listener until the store is destroyed.
    std::mutex mutex;  // guards heard: the listener runs on the store thread
    std::vector<std::uint64_t> heard;
    Store store{std::make_unique<Database>(dir / "plenum.sqlite"), logger};
    store.set_finished_listener([&](std::uint64_t finished) {
      const std::lock_guard lock{mutex};
      heard.push_back(finished);
    });
    CHECK(store.post([](Database& db) { db.set_setting("a", "1"); }) == 1);
    CHECK(store.post([](Database&) { throw std::runtime_error("fails"); }) == 2);  // finished too
    std::uint64_t last = 0;
    for (int i = 0; i < 100; ++i) last = store.post([i](Database& db) { db.set_setting("b", std::to_string(i)); });
    CHECK(last == 102);
    store.flush();
    {
      // Not held across load_through: its flush waits for the listener, which takes the lock.
      const std::lock_guard lock{mutex};
      REQUIRE_FALSE(heard.empty());
      CHECK(heard.back() == 102);
      CHECK(std::is_sorted(heard.begin(), heard.end()));
    }
    // When the listener hears N, write N is readable from the file.
    CHECK(load_through(store).settings.at("b") == "99");
  }

  TEST_CASE("writes posted from several threads all land") {
    TempDir dir;
    Logger logger{Level::Error, false, false};
    Store store{std::make_unique<Database>(dir / "plenum.sqlite"), logger};
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&store, t] {
        for (int i = 0; i < 50; ++i) {
          store.set_setting("t" + std::to_string(t) + "-" + std::to_string(i), "x");
        }
      });
    }
    for (std::thread& poster : posters) poster.join();
    store.flush();
    CHECK(load_through(store).settings.size() == 200);
  }

  TEST_CASE("a failing write is rolled back alone, logged and counted") {
    TempDir dir;
    Logger logger{Level::Error, false, false};
    Store store{std::make_unique<Database>(dir / "plenum.sqlite"), logger};
    store.set_setting("a", "1");
    store.post([](Database& db) {
      db.set_setting("b", "2");
      throw std::runtime_error{"test: a write that fails halfway"};
    });
    store.upsert_channel({9, 1234, "orphan", "", 0, 0, true});  // foreign key: no parent 1234
    store.set_setting("c", "3");
    store.flush();
    CHECK(store.writes_failed() == 2);
    CHECK(store.writes_committed() == 2);
    const StoredState state = load_through(store);
    CHECK(state.settings.count("a") == 1);
    CHECK(state.settings.count("b") == 0);
    CHECK(state.settings.count("c") == 1);
    CHECK(state.channels.empty());
    CHECK(logger.lines_written() == 2);
  }

  TEST_CASE("destroying the store writes what was posted and closes the file") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    const StoredState sample = plenum::test::sample_stored_state();
    {
      Logger logger{Level::Error, false, false};
      Store store{std::make_unique<Database>(file), logger};
      store.post([&](Database& db) { write_state(db, sample); });
      store.replace_bans({});
      store.set_last_channel(7, 2);
      store.remove_user(9);
    }
    const StoredState loaded = Database{file}.load();
    CHECK(loaded.channels == sample.channels);
    CHECK(loaded.bans.empty());
    REQUIRE(loaded.users.size() == 2);
    CHECK(loaded.users[1].last_channel == 2u);
  }

  TEST_CASE("every typed write reaches the database") {
    TempDir dir;
    Logger logger{Level::Error, false, false};
    Store store{std::make_unique<Database>(dir / "plenum.sqlite"), logger};
    store.upsert_channel({0, std::nullopt, "Root", "", 0, 0, true});
    store.upsert_channel({1, 0, "A", "", 0, 0, true});
    store.upsert_channel({2, 0, "B", "", 0, 0, true});
    store.set_channel_links(1, {2});
    store.replace_channel_acl(1, {{1, 0, true, true, std::nullopt, "all", 1, 2}},
                              {{1, "g", true, true, {5}, {}}});
    store.upsert_user({5, "Eve", "", "", 1, std::nullopt});
    store.replace_bans({{std::nullopt, "ab", std::nullopt, "r", 1, 2}});
    store.set_setting("k", "v");
    store.remove_channel(2);
    const StoredState state = load_through(store);
    CHECK(store.writes_failed() == 0);
    CHECK(state.channels.size() == 2);
    CHECK(state.links.empty());  // went with channel 2
    CHECK(state.acls.size() == 1);
    CHECK(state.groups.size() == 1);
    CHECK(state.users.size() == 1);
    CHECK(state.bans.size() == 1);
    CHECK(state.settings.size() == 1);
  }

}  // TEST_SUITE
