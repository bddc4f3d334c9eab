#include "server/store/setting_table.hpp"

namespace plenum::server::store {

SettingTable::SettingTable(sqlite3* db)
    : upsert_{db,
              "INSERT INTO settings (key, value) VALUES (?1, ?2) "
              "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
      remove_{db, "DELETE FROM settings WHERE key = ?1"},
      select_{db, "SELECT key, value FROM settings"} {}

void SettingTable::set(std::string_view key, std::string_view value) {
  upsert_.start().bind(1, key).bind(2, value).run();
}

void SettingTable::remove(std::string_view key) { remove_.start().bind(1, key).run(); }

std::map<std::string, std::string> SettingTable::load() {
  std::map<std::string, std::string> settings;
  select_.start();
  while (select_.next_row()) settings.emplace(select_.text(0), select_.text(1));
  return settings;
}

}  // namespace plenum::server::store
