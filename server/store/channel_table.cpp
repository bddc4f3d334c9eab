#include "server/store/channel_table.hpp"

#include <algorithm>

namespace plenum::server::store {

ChannelTable::ChannelTable(sqlite3* db)
    : db_{db},
      upsert_{db,
              "INSERT INTO channels (id, parent, name, description, position, max_users, "
              "inherit_acls) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET "
              "parent = excluded.parent, name = excluded.name, description = "
              "excluded.description, position = excluded.position, max_users = "
              "excluded.max_users, inherit_acls = excluded.inherit_acls"},
      remove_{db, "DELETE FROM channels WHERE id = ?1"},
      select_{db,
              "SELECT id, parent, name, description, position, max_users, inherit_acls "
              "FROM channels ORDER BY id"},
      insert_link_{db, "INSERT OR IGNORE INTO channel_links (a, b) VALUES (?1, ?2)"},
      delete_link_{db, "DELETE FROM channel_links WHERE a = ?1 AND b = ?2"},
      delete_links_of_{db, "DELETE FROM channel_links WHERE a = ?1 OR b = ?1"},
      select_links_{db, "SELECT a, b FROM channel_links ORDER BY a, b"} {}

void ChannelTable::upsert(const ChannelRecord& channel) {
  // An upsert, never INSERT OR REPLACE: replacing deletes the row first, and the cascade would
  // take the subchannels, ACLs and links with it.
  upsert_.start()
      .bind(1, channel.id)
      .bind(2, channel.parent)
      .bind(3, channel.name)
      .bind(4, channel.description)
      .bind(5, channel.position)
      .bind(6, channel.max_users)
      .bind(7, channel.inherit_acls)
      .run();
}

void ChannelTable::remove(ChannelId id) { remove_.start().bind(1, id).run(); }

void ChannelTable::add_link(ChannelId a, ChannelId b) {
  insert_link_.start()
      .bind(1, std::int64_t{std::min(a, b)})
      .bind(2, std::int64_t{std::max(a, b)})
      .run();
}

void ChannelTable::remove_link(ChannelId a, ChannelId b) {
  delete_link_.start()
      .bind(1, std::int64_t{std::min(a, b)})
      .bind(2, std::int64_t{std::max(a, b)})
      .run();
}

void ChannelTable::set_links(ChannelId channel, std::span<const ChannelId> linked) {
  Savepoint savepoint{db_};
  delete_links_of_.start().bind(1, channel).run();
  for (const ChannelId other : linked) add_link(channel, other);
  savepoint.release();
}

std::vector<ChannelRecord> ChannelTable::load_channels() {
  std::vector<ChannelRecord> channels;
  select_.start();
  while (select_.next_row()) {
    ChannelRecord& channel = channels.emplace_back();
    channel.id = select_.uint32(0);
    if (!select_.is_null(1)) channel.parent = select_.uint32(1);
    channel.name = select_.text(2);
    channel.description = select_.text(3);
    channel.position = static_cast<std::int32_t>(select_.int64(4));
    channel.max_users = select_.uint32(5);
    channel.inherit_acls = select_.boolean(6);
  }
  return channels;
}

std::vector<LinkRecord> ChannelTable::load_links() {
  std::vector<LinkRecord> links;
  select_links_.start();
  while (select_links_.next_row()) {
    links.push_back({select_links_.uint32(0), select_links_.uint32(1)});
  }
  return links;
}

}  // namespace plenum::server::store
