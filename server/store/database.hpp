// Database: the SQLite file of one server, opened, checked and migrated, with typed reads and
// writes over its tables. Not thread-safe: one thread at a time uses it (the startup thread to
// load, then the Store's thread for the rest of its life).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "server/store/acl_table.hpp"
#include "server/store/ban_table.hpp"
#include "server/store/channel_table.hpp"
#include "server/store/listener_table.hpp"
#include "server/store/plenary_table.hpp"
#include "server/store/records.hpp"
#include "server/store/setting_table.hpp"
#include "server/store/sqlite.hpp"
#include "server/store/user_table.hpp"

namespace plenum::server::store {

class Database {
 public:
  // Opens or creates `file` and its directory, turns on WAL and foreign keys, checks the file
  // and applies missing migrations. A file that is not a database, is damaged, read-only or
  // newer than this server throws StoreError with one line naming the file.
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& file() const noexcept { return file_; }
  int schema_version() const;

  StoredState load();

  // Writes. Each is atomic; a savepoint() around several makes them one transaction.
  void upsert_channel(const ChannelRecord& channel) { channels_.upsert(channel); }
  // With subchannels, ACLs, links and listeners.
  void remove_channel(ChannelId id) { channels_.remove(id); }
  void add_link(ChannelId a, ChannelId b) { channels_.add_link(a, b); }
  void remove_link(ChannelId a, ChannelId b) { channels_.remove_link(a, b); }
  void set_channel_links(ChannelId channel, std::span<const ChannelId> linked) {
    channels_.set_links(channel, linked);
  }
  void replace_channel_acl(ChannelId channel, std::span<const AclRecord> acls,
                           std::span<const GroupRecord> groups) {
    acls_.replace(channel, acls, groups);
  }
  void upsert_user(const RegisteredUser& user) { users_.upsert(user); }
  void set_last_channel(UserId user, std::optional<ChannelId> channel) {
    users_.set_last_channel(user, channel);
  }
  void remove_user(UserId user) { users_.remove(user); }  // with its listeners
  void upsert_listener(const ListenerRecord& listener) { listeners_.upsert(listener); }
  void remove_listener(UserId user, ChannelId channel) { listeners_.remove(user, channel); }
  void replace_bans(std::span<const BanRecord> bans) { bans_.replace(bans); }
  // The channel must exist (foreign key), or StoreError.
  void upsert_plenary(const PlenaryRecord& record) { plenary_.upsert(record); }
  void remove_plenary(ChannelId channel) { plenary_.remove(channel); }
  void set_setting(std::string_view key, std::string_view value) { settings_.set(key, value); }
  void remove_setting(std::string_view key) { settings_.remove(key); }

  // A transaction (nested: a savepoint) that commits on release() and rolls back otherwise.
  Savepoint savepoint() { return Savepoint{connection_.get()}; }
  // False once SQLite has rolled a transaction back by itself (disk full, I/O error).
  bool in_transaction() const noexcept { return sqlite3_get_autocommit(connection_.get()) == 0; }

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept;
  };

  std::filesystem::path file_;
  std::unique_ptr<sqlite3, Close> connection_;  // declared before the tables: closed last
  ChannelTable channels_;
  AclTable acls_;
  UserTable users_;
  ListenerTable listeners_;
  BanTable bans_;
  SettingTable settings_;
  PlenaryTable plenary_;
};

}  // namespace plenum::server::store
