// --import-murmur on a database laid out as Murmur 1.3.4's ServerDB.cpp creates it for SQLite
// (the tables it writes, without the triggers). The real murmurd's file is the integration
// test's business (tests/integration/murmur_import_test.cpp); this covers the rules.
#include "server/store/murmur_import.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "server/store/database.hpp"
#include "server/store/password_hash.hpp"
#include "server/store/store_error.hpp"
#include "unit/server/store/temp_dir.hpp"

using namespace plenum::server::store;
using plenum::test::TempDir;

namespace {

constexpr const char* kMurmurSchema = R"sql(
CREATE TABLE servers (server_id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE slog (server_id INTEGER NOT NULL, msg TEXT, msgtime DATE);
CREATE TABLE config (server_id INTEGER NOT NULL, key TEXT, value TEXT);
CREATE TABLE channels (server_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, parent_id INTEGER, name TEXT, inheritacl INTEGER);
CREATE TABLE channel_info (server_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, key INTEGER, value TEXT);
CREATE TABLE users (server_id INTEGER NOT NULL, user_id INTEGER NOT NULL, name TEXT NOT NULL, pw TEXT, salt TEXT, kdfiterations INTEGER, lastchannel INTEGER, texture BLOB, last_active DATE);
CREATE TABLE user_info (server_id INTEGER NOT NULL, user_id INTEGER NOT NULL, key INTEGER, value TEXT);
CREATE TABLE groups (group_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER NOT NULL, name TEXT, channel_id INTEGER NOT NULL, inherit INTEGER, inheritable INTEGER);
CREATE TABLE group_members (group_id INTEGER NOT NULL, server_id INTEGER NOT NULL, user_id INTEGER NOT NULL, addit INTEGER);
CREATE TABLE acl (server_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, priority INTEGER, user_id INTEGER, group_name TEXT, apply_here INTEGER, apply_sub INTEGER, grantpriv INTEGER, revokepriv INTEGER);
CREATE TABLE channel_links (server_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, link_id INTEGER NOT NULL);
CREATE TABLE bans (server_id INTEGER NOT NULL, base BLOB, mask INTEGER, name TEXT, hash TEXT, reason TEXT, start DATE, duration INTEGER);
)sql";

// Server 1 as Murmur leaves it after some use; server 2 holds a decoy channel. The SHA-1 hash
// is hex SHA-1 of "old secret", the PBKDF2 one PBKDF2-HMAC-SHA384("correct horse", salt
// 0123456789abcdef, 1000 iterations), both computed with Python's hashlib.
constexpr const char* kMurmurRows = R"sql(
INSERT INTO servers VALUES (1), (2);
INSERT INTO slog VALUES (1, '<1:carol(-1)> Connected from 192.0.2.7', '2024-05-01 10:00:00');
INSERT INTO config VALUES (1, 'welcometext', 'hello');
INSERT INTO channels VALUES (1, 0, NULL, 'Root', 1), (1, 1, 0, 'Plenary', 1), (1, 3, 1, 'Breakout', 0),
                            (1, 2, 0, 'Lobby', 1), (2, 0, NULL, 'Other root', 1), (2, 7, 0, 'Decoy', 1);
INSERT INTO channel_info VALUES (1, 1, 0, 'Main room'), (1, 1, 1, '-5'), (1, 1, 2, '300'), (1, 3, 1, '2');
INSERT INTO channel_links VALUES (1, 1, 2), (1, 2, 1), (1, 2, 9);
INSERT INTO users VALUES
  (1, 0, 'SuperUser', '9bd2bb339c4652d5df88e5ad2286dee62ce29dd6cc951d31df2d42b1c3bf0fa7e98a41db245fb46fc90f286a5818fe18', '0123456789abcdef', 1000, 1, NULL, '2024-05-01 10:00:00'),
  (1, 1, 'carol', NULL, NULL, NULL, 3, x'00', '2024-05-01 11:00:00'),
  (1, 2, 'dave', '625fadbb19195d0c5c7937453ba62eed9d6c603d', NULL, NULL, 0, NULL, NULL),
  (2, 1, 'eve', NULL, NULL, NULL, 0, NULL, NULL);
INSERT INTO user_info VALUES (1, 1, 1, 'carol@example.org'), (1, 1, 2, 'Chair'), (1, 1, 3, 'ab12cd34'),
                             (1, 1, 5, '2024-05-01 11:00:00'), (1, 2, 3, '');
INSERT INTO groups VALUES (10, 1, 'admin', 0, 1, 1), (11, 1, 'chairs', 1, 0, 1), (12, 2, 'x', 7, 1, 1);
INSERT INTO group_members VALUES (10, 1, 0, 1), (11, 1, 1, 1), (11, 1, 2, 0), (12, 2, 1, 1);
INSERT INTO acl VALUES (1, 0, 0, NULL, 'admin', 1, 1, 1, 0), (1, 0, 1, NULL, 'all', 1, 0, 14, 0),
                       (1, 1, 3, 1, NULL, 1, 1, 16, 0), (1, 1, 7, NULL, 'chairs', 0, 1, 0, 8);
INSERT INTO bans VALUES (1, x'00000000000000000000ffffc0000200', 120, 'mallory', 'deadbeef', 'spam', '2024-05-01T12:00:00', 3600),
                        (1, x'0102', 8, NULL, NULL, NULL, NULL, 0);
)sql";

std::filesystem::path make_murmur_file(const TempDir& dir, const char* rows = kMurmurRows) {
  const auto file = dir / "murmur.sqlite";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  CHECK(sqlite3_exec(db, kMurmurSchema, nullptr, nullptr, &error) == SQLITE_OK);
  CHECK(sqlite3_exec(db, rows, nullptr, nullptr, &error) == SQLITE_OK);
  if (error != nullptr) FAIL(error);
  sqlite3_close(db);
  return file;
}

std::string import_error(const std::filesystem::path& murmur, const std::filesystem::path& target,
                         std::int64_t server = 1) {
  try {
    import_murmur(murmur, server, target);
  } catch (const StoreError& error) {
    return error.what();
  }
  FAIL("no StoreError thrown");
  return {};
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a Murmur server's channels, ACLs, groups, users and bans come over") {
    TempDir dir;
    const auto target = dir / "plenum.sqlite";
    const ImportSummary summary = import_murmur(make_murmur_file(dir), 1, target);
    CHECK(summary.describe() ==
          "4 channels, 1 links, 4 ACL entries, 2 groups (3 members), 3 users (2 with a password), 1 bans");

    Database db{target};
    const StoredState state = db.load();
    REQUIRE(state.channels.size() == 4);
    CHECK(state.channels[0] == ChannelRecord{0, std::nullopt, "Root", "", 0, 0, true});
    CHECK(state.channels[1] == ChannelRecord{1, 0, "Plenary", "Main room", -5, 300, true});
    CHECK(state.channels[2] == ChannelRecord{2, 0, "Lobby", "", 0, 0, true});
    CHECK(state.channels[3] == ChannelRecord{3, 1, "Breakout", "", 2, 0, false});
    REQUIRE(state.links.size() == 1);
    CHECK(state.links[0] == LinkRecord{1, 2});

    REQUIRE(state.acls.size() == 4);
    CHECK(state.acls[0] == AclRecord{0, 0, true, true, std::nullopt, "admin", 1, 0});
    CHECK(state.acls[1] == AclRecord{0, 1, true, false, std::nullopt, "all", 14, 0});
    CHECK(state.acls[2] == AclRecord{1, 0, true, true, 1U, "", 16, 0});
    CHECK(state.acls[3] == AclRecord{1, 1, false, true, std::nullopt, "chairs", 0, 8});
    REQUIRE(state.groups.size() == 2);
    CHECK(state.groups[0] == GroupRecord{0, "admin", true, true, {0}, {}});
    CHECK(state.groups[1] == GroupRecord{1, "chairs", false, true, {1}, {2}});

    REQUIRE(state.users.size() == 3);
    CHECK(state.users[0].name == "SuperUser");
    CHECK(verify_password("correct horse", state.users[0].password_hash));
    CHECK(state.users[1].name == "carol");
    CHECK(state.users[1].cert_hash == "ab12cd34");
    CHECK(state.users[1].comment == std::optional<std::string>{"Chair"});
    CHECK(state.users[1].password_hash.empty());
    CHECK(state.users[2].password_hash == "$murmur-sha1$625fadbb19195d0c5c7937453ba62eed9d6c603d");
    CHECK(verify_password("old secret", state.users[2].password_hash));
    for (const auto& user : state.users) {
      INFO(user.name);
      CHECK_FALSE(user.last_channel.has_value());  // last channels are not imported
    }

    REQUIRE(state.bans.size() == 1);  // Murmur itself drops the one with a 2-byte address
    const BanRecord& ban = state.bans[0];
    REQUIRE(ban.address.has_value());
    CHECK(ban.address->bytes[12] == 0xc0);
    CHECK(ban.address->mask_bits == 120);
    CHECK(ban.name == std::optional<std::string>{"mallory"});
    CHECK(ban.cert_hash == "deadbeef");
    CHECK(ban.reason == "spam");
    CHECK(ban.start == 1714564800);
    CHECK(ban.duration == 3600);
  }

  TEST_CASE("no log line, address, e-mail or last-seen time reaches the Plenum database") {
    TempDir dir;
    const auto target = dir / "plenum.sqlite";
    import_murmur(make_murmur_file(dir), 1, target);
    Database{target};  // checkpoints the WAL into the file on close
    std::ifstream in{target, std::ios::binary};
    const std::string bytes{std::istreambuf_iterator<char>{in}, {}};
    for (const char* secret : {"192.0.2.7", "carol@example.org", "2024-05-01 11:00", "Connected from"}) {
      INFO(secret);
      CHECK(bytes.find(secret) == std::string::npos);
    }
  }

  TEST_CASE("another virtual server is picked with its id, a missing one is named") {
    TempDir dir;
    const auto murmur = make_murmur_file(dir);
    const ImportSummary summary = import_murmur(murmur, 2, dir / "two.sqlite");
    CHECK(summary.channels == 2);
    CHECK(summary.users == 1);
    CHECK(import_error(murmur, dir / "three.sqlite", 3).find("has no virtual server 3 (it has: 1, 2)") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "three.sqlite"));
  }

  TEST_CASE("a target that holds more than a fresh server is refused and left as it was") {
    TempDir dir;
    const auto murmur = make_murmur_file(dir);
    const auto target = dir / "plenum.sqlite";
    {
      Database db{target};
      db.upsert_channel(ChannelRecord{0, std::nullopt, "Root", "", 0, 0, true});
      db.upsert_user(RegisteredUser{5, "zoe", "", "", std::nullopt, std::nullopt});
    }
    const std::string error = import_error(murmur, target);
    CHECK(error.find("refusing to import") != std::string::npos);
    CHECK(error.find("is not empty (1 channels, 1 users, 0 bans)") != std::string::npos);
    Database db{target};
    CHECK(db.load().users.size() == 1);
  }

  TEST_CASE("a fresh server's database (root and SuperUser without password) is taken over") {
    TempDir dir;
    const auto target = dir / "plenum.sqlite";
    {
      Database db{target};
      db.upsert_channel(ChannelRecord{0, std::nullopt, "Plenum", "", 0, 0, false});
      db.replace_channel_acl(0, std::vector<AclRecord>{{0, 0, true, true, std::nullopt, "admin", 0xFFFF, 0}}, {});
      db.upsert_user(RegisteredUser{0, "SuperUser", "", "", std::nullopt, std::nullopt});
    }
    import_murmur(make_murmur_file(dir), 1, target);
    Database db{target};
    const StoredState state = db.load();
    CHECK(state.channels.size() == 4);
    CHECK(state.channels[0].inherit_acls);
    CHECK(state.acls.size() == 4);
    CHECK(verify_password("correct horse", state.users[0].password_hash));
  }

  TEST_CASE("a damaged or foreign file stops the import, names the file and writes nothing") {
    TempDir dir;
    const auto target = dir / "plenum.sqlite";
    const auto garbage = dir.write("garbage.sqlite", std::string(8192, 'x'));
    CHECK(import_error(garbage, target).find("garbage.sqlite: is not an SQLite database") !=
          std::string::npos);
    CHECK(import_error(dir / "missing.sqlite", target).find("missing.sqlite: no such file") !=
          std::string::npos);
    {
      Database other{dir / "plenum-as-source.sqlite"};
    }
    CHECK(import_error(dir / "plenum-as-source.sqlite", target)
              .find("is not a Murmur database (no table \"servers\")") != std::string::npos);
    // A Murmur file cut short: SQLite notices the missing pages.
    const auto murmur = make_murmur_file(dir);
    std::filesystem::resize_file(murmur, std::filesystem::file_size(murmur) / 2);
    CHECK_FALSE(import_error(murmur, target).empty());
    CHECK_FALSE(std::filesystem::exists(target));
  }

  TEST_CASE("contents Plenum cannot take stop the import with the reason") {
    TempDir dir;
    const auto target = dir / "plenum.sqlite";
    const auto orphan = make_murmur_file(
        dir, "INSERT INTO servers VALUES (1); INSERT INTO channels VALUES (1, 0, NULL, 'Root', 1), (1, 4, 9, 'Lost', 1);");
    CHECK(import_error(orphan, target).find("channel 4 has no parent") != std::string::npos);
    std::filesystem::remove(orphan);
    const auto twins = make_murmur_file(
        dir,
        "INSERT INTO servers VALUES (1); INSERT INTO channels VALUES (1, 0, NULL, 'Root', 1);"
        "INSERT INTO users VALUES (1, 0, 'SuperUser', NULL, NULL, NULL, 0, NULL, NULL),"
        "(1, 1, 'Bob', NULL, NULL, NULL, 0, NULL, NULL), (1, 2, 'bob', NULL, NULL, NULL, 0, NULL, NULL);");
    CHECK(import_error(twins, target).find("differ only in case") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(target));
  }
}
