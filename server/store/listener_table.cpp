#include "server/store/listener_table.hpp"

namespace plenum::server::store {

ListenerTable::ListenerTable(sqlite3* db)
    : upsert_{db,
              "INSERT INTO channel_listeners (user_id, channel_id, volume_adjustment) "
              "VALUES (?1, ?2, ?3) ON CONFLICT (user_id, channel_id) DO UPDATE SET "
              "volume_adjustment = excluded.volume_adjustment"},
      remove_{db, "DELETE FROM channel_listeners WHERE user_id = ?1 AND channel_id = ?2"},
      select_{db,
              "SELECT user_id, channel_id, volume_adjustment FROM channel_listeners "
              "ORDER BY user_id, channel_id"} {}

void ListenerTable::upsert(const ListenerRecord& listener) {
  upsert_.start()
      .bind(1, listener.user_id)
      .bind(2, listener.channel_id)
      .bind_real(3, static_cast<double>(listener.volume))
      .run();
}

void ListenerTable::remove(UserId user, ChannelId channel) {
  remove_.start().bind(1, user).bind(2, channel).run();
}

std::vector<ListenerRecord> ListenerTable::load() {
  std::vector<ListenerRecord> listeners;
  select_.start();
  while (select_.next_row()) {
    // A float written as a double reads back exactly.
    listeners.push_back(ListenerRecord{select_.uint32(0), select_.uint32(1),
                                       static_cast<float>(select_.real(2))});
  }
  return listeners;
}

}  // namespace plenum::server::store
