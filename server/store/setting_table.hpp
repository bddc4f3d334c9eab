// SettingTable: the `settings` table, server-wide key/value pairs changed at run time (not
// the ini's keys, which are read once at startup). Owned by Database.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class SettingTable {
 public:
  explicit SettingTable(sqlite3* db);

  void set(std::string_view key, std::string_view value);
  void remove(std::string_view key);
  std::map<std::string, std::string> load();

 private:
  Statement upsert_;
  Statement remove_;
  Statement select_;
};

}  // namespace plenum::server::store
