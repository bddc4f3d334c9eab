// The database schema as an ordered list of migrations; PRAGMA user_version records how many
// have been applied. Append a migration to change the schema, never edit an applied one.
#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

namespace plenum::server::store {

struct Migration {
  int version;           // user_version after this migration: 1, 2, 3, ...
  std::string_view sql;  // statements that take the schema from version - 1 to version
};

std::span<const Migration> migrations();
int latest_schema_version();
int schema_version(sqlite3* db);

// Applies every migration the file lacks, each in its own transaction. Throws StoreError when
// the file is newer than this server knows.
void migrate(sqlite3* db);

}  // namespace plenum::server::store
