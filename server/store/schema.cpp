#include "server/store/schema.hpp"

#include <fmt/core.h>

#include <string>

#include "server/store/sqlite.hpp"
#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

// Version 1. Registered users hold no address and no connection history (DESIGN.md §5);
// bans.address is set only for an address ban an admin asked for. users.last_channel has no
// foreign key: it may name a temporary channel that is never stored.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE channels (
  id           INTEGER PRIMARY KEY,
  parent       INTEGER REFERENCES channels(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  position     INTEGER NOT NULL DEFAULT 0,
  max_users    INTEGER NOT NULL DEFAULT 0,
  inherit_acls INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX channels_by_parent ON channels(parent);
CREATE TABLE channel_links (
  a INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  b INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  PRIMARY KEY (a, b),
  CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX channel_links_by_b ON channel_links(b);
CREATE TABLE acls (
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  priority   INTEGER NOT NULL,
  apply_here INTEGER NOT NULL,
  apply_subs INTEGER NOT NULL,
  user_id    INTEGER,
  group_name TEXT NOT NULL DEFAULT '',
  grant_bits INTEGER NOT NULL,
  deny_bits  INTEGER NOT NULL,
  PRIMARY KEY (channel_id, priority)
) WITHOUT ROWID;
CREATE TABLE groups (
  channel_id  INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  inherit     INTEGER NOT NULL,
  inheritable INTEGER NOT NULL,
  PRIMARY KEY (channel_id, name)
) WITHOUT ROWID;
CREATE TABLE group_members (
  channel_id INTEGER NOT NULL,
  group_name TEXT NOT NULL,
  user_id    INTEGER NOT NULL,
  added      INTEGER NOT NULL,
  PRIMARY KEY (channel_id, group_name, user_id, added),
  FOREIGN KEY (channel_id, group_name) REFERENCES groups(channel_id, name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE users (
  user_id       INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  cert_hash     TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  last_channel  INTEGER,
  comment       TEXT
);
CREATE INDEX users_by_cert_hash ON users(cert_hash);
CREATE TABLE bans (
  id        INTEGER PRIMARY KEY,
  address   BLOB CHECK (address IS NULL OR length(address) = 16),
  mask_bits INTEGER,
  cert_hash TEXT NOT NULL DEFAULT '',
  name      TEXT,
  reason    TEXT NOT NULL DEFAULT '',
  start     INTEGER NOT NULL,
  duration  INTEGER NOT NULL
);
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: channel listeners of registered users and their volume factors (Mumble 1.4/1.5).
// Both keys cascade: an unregistered user or a removed channel takes its listeners along.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE channel_listeners (
  user_id           INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  channel_id        INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  volume_adjustment REAL NOT NULL DEFAULT 1.0,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX channel_listeners_by_channel ON channel_listeners(channel_id);
)sql";

// Version 3: plenary settings of permanent channels (DESIGN.md §4); a removed channel takes its
// row along. NULL engine fields fall back to [plenary] in the config.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE channel_plenary (
  channel_id  INTEGER PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
  mode        TEXT,
  topk        INTEGER,
  mix_bitrate INTEGER,
  gate_db     INTEGER,
  transmit    TEXT,
  moderated   INTEGER NOT NULL DEFAULT 0,
  queue       TEXT NOT NULL DEFAULT 'fifo',
  time_limit  INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr Migration kMigrations[] = {
    {1, kSchemaV1},
    {2, kSchemaV2},
    {3, kSchemaV3},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int schema_version(sqlite3* db) {
  Statement query{db, "PRAGMA user_version"};
  query.start();
  const int version = query.next_row() ? static_cast<int>(query.int64(0)) : 0;
  query.start();
  return version;
}

void migrate(sqlite3* db) {
  for (const Migration& migration : migrations()) {
    // IMMEDIATE takes the write lock before reading the version, so two servers starting on one
    // file cannot both apply a migration.
    exec(db, "BEGIN IMMEDIATE");
    try {
      const int current = schema_version(db);
      if (current > latest_schema_version()) {
        throw StoreError{fmt::format(
            "store: {}: schema version {} is newer than this server knows ({}); use a newer "
            "plenum-server",
            sqlite3_db_filename(db, "main"), current, latest_schema_version())};
      }
      if (current < migration.version) {
        exec(db, std::string{migration.sql}.c_str());
        exec(db, fmt::format("PRAGMA user_version = {}", migration.version).c_str());
      }
      exec(db, "COMMIT");
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

}  // namespace plenum::server::store
