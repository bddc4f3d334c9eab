#include "server/store/user_table.hpp"

namespace plenum::server::store {

UserTable::UserTable(sqlite3* db)
    : upsert_{db,
              "INSERT INTO users (user_id, name, cert_hash, password_hash, last_channel, comment) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_id) DO UPDATE SET "
              "name = excluded.name, cert_hash = excluded.cert_hash, password_hash = "
              "excluded.password_hash, last_channel = excluded.last_channel, comment = "
              "excluded.comment"},
      set_last_channel_{db, "UPDATE users SET last_channel = ?2 WHERE user_id = ?1"},
      remove_{db, "DELETE FROM users WHERE user_id = ?1"},
      select_{db,
              "SELECT user_id, name, cert_hash, password_hash, last_channel, comment FROM users "
              "ORDER BY user_id"} {}

void UserTable::upsert(const RegisteredUser& user) {
  upsert_.start()
      .bind(1, user.user_id)
      .bind(2, user.name)
      .bind(3, user.cert_hash)
      .bind(4, user.password_hash)
      .bind(5, user.last_channel)
      .bind(6, user.comment)
      .run();
}

void UserTable::set_last_channel(UserId user, std::optional<ChannelId> channel) {
  set_last_channel_.start().bind(1, user).bind(2, channel).run();
}

void UserTable::remove(UserId user) { remove_.start().bind(1, user).run(); }

std::vector<RegisteredUser> UserTable::load() {
  std::vector<RegisteredUser> users;
  select_.start();
  while (select_.next_row()) {
    RegisteredUser& user = users.emplace_back();
    user.user_id = select_.uint32(0);
    user.name = select_.text(1);
    user.cert_hash = select_.text(2);
    user.password_hash = select_.text(3);
    if (!select_.is_null(4)) user.last_channel = select_.uint32(4);
    if (!select_.is_null(5)) user.comment = select_.text(5);
  }
  return users;
}

}  // namespace plenum::server::store
