// BanTable: the `bans` table, replaced as a whole (Mumble's BanList message sends the whole
// list). Owned by Database.
#pragma once

#include <span>
#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class BanTable {
 public:
  explicit BanTable(sqlite3* db);

  void replace(std::span<const BanRecord> bans);
  std::vector<BanRecord> load();

 private:
  sqlite3* db_;
  Statement delete_all_;
  Statement insert_;
  Statement select_;
};

}  // namespace plenum::server::store
