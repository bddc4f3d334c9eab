// UserTable: the `users` table of registered users: name, certificate hash, password hash,
// last channel, comment. Never an address or a connection time. Owned by Database.
#pragma once

#include <optional>
#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class UserTable {
 public:
  explicit UserTable(sqlite3* db);

  // Adds the user or updates every field of the one with the same user_id. Names are unique
  // ignoring ASCII case; a clash throws StoreError.
  void upsert(const RegisteredUser& user);
  void set_last_channel(UserId user, std::optional<ChannelId> channel);
  void remove(UserId user);
  std::vector<RegisteredUser> load();

 private:
  Statement upsert_;
  Statement set_last_channel_;
  Statement remove_;
  Statement select_;
};

}  // namespace plenum::server::store
