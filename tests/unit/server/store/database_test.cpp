#include "server/store/database.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "server/store/schema.hpp"
#include "server/store/store_error.hpp"
#include "unit/server/store/store_records.hpp"
#include "unit/server/store/temp_dir.hpp"

using namespace plenum::server::store;
using plenum::test::TempDir;
using plenum::test::write_state;

namespace {

std::string store_error_of(const std::filesystem::path& file) {
  try {
    Database db{file};
  } catch (const StoreError& error) {
    return error.what();
  }
  FAIL("no StoreError thrown");
  return {};
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

// Raw SQL on a closed database file, to set up states the Database API never produces.
void raw_sql(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

// True when `text` holds something shaped like a dotted-quad IPv4 address.
bool has_dotted_quad(const std::string& text) {
  auto digits_at = [&](std::size_t& i) {
    std::size_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0 && n < 4) {
      ++i;
      ++n;
    }
    return n >= 1 && n <= 3;
  };
  for (std::size_t start = 0; start < text.size(); ++start) {
    std::size_t i = start;
    bool ok = digits_at(i);
    for (int part = 0; ok && part < 3; ++part) {
      ok = i < text.size() && text[i] == '.' && digits_at(++i);
    }
    if (ok) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("everything written survives closing and reopening the file") {
    TempDir dir;
    const auto file = dir / "sub" / "plenum.sqlite";  // the directory is created on open
    const StoredState written = plenum::test::sample_stored_state();
    {
      Database db{file};
      write_state(db, written);
    }
    Database reopened{file};
    const StoredState loaded = reopened.load();
    CHECK(loaded.channels == written.channels);
    CHECK(loaded.links == written.links);
    CHECK(loaded.acls == written.acls);
    CHECK(loaded.groups == written.groups);
    CHECK(loaded.users == written.users);
    CHECK(loaded.listeners == written.listeners);
    CHECK(loaded.bans == written.bans);
    CHECK(loaded.settings == written.settings);
    CHECK(loaded == written);
  }

  TEST_CASE("migrations run once: reopening keeps the version, the schema and the data") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    {
      Database db{file};
      db.set_setting("k", "v");
    }
    for (int i = 0; i < 3; ++i) {
      Database db{file};
      CHECK(db.schema_version() == latest_schema_version());
      CHECK(db.load().settings.at("k") == "v");
    }
    CHECK(migrations().front().version == 1);
    for (std::size_t i = 1; i < migrations().size(); ++i) {
      CHECK(migrations()[i].version == migrations()[i - 1].version + 1);
    }
  }

  TEST_CASE("the file is in WAL mode with foreign keys enforced") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    Database db{file};
    db.set_setting("k", "v");
    CHECK(std::filesystem::exists(dir / "plenum.sqlite-wal"));
    // A channel whose parent does not exist breaks the foreign key.
    CHECK_THROWS_AS(db.upsert_channel({5, 42, "orphan", "", 0, 0, true}), StoreError);
  }

  TEST_CASE("writes: upsert keeps children, remove cascades, replace replaces") {
    TempDir dir;
    Database db{dir / "plenum.sqlite"};
    write_state(db, plenum::test::sample_stored_state());

    db.upsert_channel({1, 0, "Assembly (renamed)", "", 0, 0, true});
    StoredState state = db.load();
    CHECK(state.channels.size() == 4);  // channel 2 under 1 is still there
    CHECK(state.channels[1].name == "Assembly (renamed)");

    db.set_channel_links(3, std::vector<ChannelId>{0});
    CHECK(db.load().links == std::vector<LinkRecord>{{0, 3}});

    db.replace_channel_acl(0, {}, {});
    state = db.load();
    CHECK(state.acls.size() == 1);
    CHECK(state.groups.size() == 1);

    db.remove_channel(1);  // takes channel 2, channel 1's ACL and group
    state = db.load();
    CHECK(state.channels.size() == 2);
    CHECK(state.acls.empty());
    CHECK(state.groups.empty());

    db.set_last_channel(7, 3);
    db.remove_user(9);
    db.remove_setting("empty");
    db.replace_bans({});
    state = db.load();
    CHECK(state.users.size() == 2);
    CHECK(state.users[1].last_channel == 3u);
    CHECK(state.bans.empty());
    CHECK(state.settings.count("empty") == 0);
  }

  TEST_CASE("listeners: upsert sets the volume, and go with their user or channel") {
    TempDir dir;
    Database db{dir / "plenum.sqlite"};
    write_state(db, plenum::test::sample_stored_state());
    db.upsert_listener({7, 2, 0.25F});
    db.upsert_listener({9, 3, 1.0F});
    db.remove_listener(7, 3);
    db.remove_listener(7, 99);  // nothing to remove: no error
    CHECK(db.load().listeners ==
          std::vector<ListenerRecord>{{7, 2, 0.25F}, {9, 1, 2.0F}, {9, 3, 1.0F}});
    // Unknown users and channels break the foreign keys; nothing is written.
    CHECK_THROWS_AS(db.upsert_listener({42, 1, 1.0F}), StoreError);
    CHECK_THROWS_AS(db.upsert_listener({7, 42, 1.0F}), StoreError);
    db.remove_channel(1);  // and its subchannel 2
    CHECK(db.load().listeners == std::vector<ListenerRecord>{{9, 3, 1.0F}});
    db.remove_user(9);
    CHECK(db.load().listeners.empty());
  }

  TEST_CASE("a version 1 file gains the listener table and keeps everything it held") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    StoredState written = plenum::test::sample_stored_state();
    written.listeners.clear();
    {
      Database db{file};
      write_state(db, written);
    }
    // Back to exactly what a version 1 server left: migration 2 only adds the table and index.
    raw_sql(file, "DROP TABLE channel_listeners; PRAGMA user_version = 1");
    {
      sqlite3* raw = nullptr;
      REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
      CHECK(schema_version(raw) == 1);
      sqlite3_close(raw);
    }
    Database upgraded{file};
    CHECK(upgraded.schema_version() == latest_schema_version());
    CHECK(upgraded.load() == written);
    upgraded.upsert_listener({7, 1, 0.5F});
    CHECK(upgraded.load().listeners == std::vector<ListenerRecord>{{7, 1, 0.5F}});
  }

  TEST_CASE("user names are unique ignoring case, a clash changes nothing") {
    TempDir dir;
    Database db{dir / "plenum.sqlite"};
    db.upsert_user({1, "Alice", "", "", std::nullopt, std::nullopt});
    CHECK_THROWS_AS(db.upsert_user({2, "ALICE", "", "", std::nullopt, std::nullopt}), StoreError);
    CHECK(db.load().users.size() == 1);
  }

  TEST_CASE("ACL records of another channel are refused, and nothing is half-written") {
    TempDir dir;
    Database db{dir / "plenum.sqlite"};
    write_state(db, plenum::test::sample_stored_state());
    const std::vector<AclRecord> acls{{0, 5, true, true, std::nullopt, "all", 1, 0},
                                      {1, 6, true, true, std::nullopt, "all", 1, 0}};
    CHECK_THROWS_AS(db.replace_channel_acl(0, acls, {}), StoreError);
    CHECK(db.load().acls == plenum::test::sample_stored_state().acls);
  }

  TEST_CASE("a file that is not a database is refused with one line naming it") {
    TempDir dir;
    const auto file = dir.write("plenum.sqlite", std::string(8192, 'x'));
    const std::string message = store_error_of(file);
    CHECK(message.starts_with("store: "));
    CHECK(message.find(file.filename().string()) != std::string::npos);
    CHECK(message.find("not a database") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }

  TEST_CASE("a damaged database fails its check") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    {
      Database db{file};
      write_state(db, plenum::test::sample_stored_state());
    }
    std::string bytes = read_bytes(file);
    REQUIRE(bytes.size() > 8192);
    for (std::size_t i = 4096; i < bytes.size(); ++i)
      bytes[i] = static_cast<char>(0xA5 ^ (i & 0xFF));
    { std::ofstream{file, std::ios::binary | std::ios::trunc} << bytes; }
    const std::string message = store_error_of(file);
    CHECK(message.starts_with("store: "));
    CHECK(message.find(file.filename().string()) != std::string::npos);
  }

  TEST_CASE("a database from a newer server is refused") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    { Database db{file}; }
    raw_sql(file, "PRAGMA user_version = 99");
    CHECK(store_error_of(file).find("schema version 99 is newer") != std::string::npos);
  }

  TEST_CASE("an unwritable location is refused with one line naming the file") {
    TempDir dir;
    const auto blocker = dir.write("not-a-dir", "x");
    CHECK(store_error_of(blocker / "plenum.sqlite").find("cannot create directory") !=
          std::string::npos);
    if (::geteuid() == 0) {
      // Root ignores file modes; /proc refuses new files to everyone.
      const std::string message = store_error_of("/proc/plenum-store-test.sqlite");
      CHECK(message.starts_with("store: /proc/plenum-store-test.sqlite: cannot open"));
    } else {
      const auto locked = dir / "locked";
      std::filesystem::create_directory(locked);
      std::filesystem::permissions(
          locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
      CHECK(store_error_of(locked / "plenum.sqlite").starts_with("store: "));
    }
  }

  TEST_CASE("privacy: the file holds no addresses, and no table but bans has a column for one") {
    TempDir dir;
    const auto file = dir / "plenum.sqlite";
    {
      Database db{file};
      StoredState state = plenum::test::sample_stored_state();
      state.bans.clear();  // the one place an admin may put an address
      write_state(db, state);
      for (UserId id = 100; id < 200; ++id) {
        db.upsert_user(
            {id, "user" + std::to_string(id), std::string(40, 'a'), "", 0, std::nullopt});
      }
    }
    CHECK_FALSE(std::filesystem::exists(dir / "plenum.sqlite-wal"));  // checkpointed on close
    CHECK_FALSE(has_dotted_quad(read_bytes(file)));
    CHECK(has_dotted_quad("x 10.0.0.1 y"));  // the scanner itself works

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* columns = nullptr;
    REQUIRE(
        sqlite3_prepare_v2(db,
                           "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) "
                           "p WHERE m.type = 'table' AND m.name != 'bans'",
                           -1, &columns, nullptr) == SQLITE_OK);
    const std::set<std::string> personal{"addr",       "address",   "ip",    "host",
                                         "seen",       "active",    "login", "connected",
                                         "connection", "lastactive"};
    int checked = 0;
    while (sqlite3_step(columns) == SQLITE_ROW) {
      std::string column = reinterpret_cast<const char*>(sqlite3_column_text(columns, 1));
      INFO("table ", sqlite3_column_text(columns, 0), " column ", column);
      std::size_t start = 0;
      for (std::size_t end = 0; end <= column.size(); ++end) {
        if (end == column.size() || column[end] == '_') {
          CHECK(personal.count(column.substr(start, end - start)) == 0);
          start = end + 1;
        }
      }
      ++checked;
    }
    sqlite3_finalize(columns);
    sqlite3_close(db);
    CHECK(checked > 20);
  }

}  // TEST_SUITE
