// ChannelTable: the `channels` and `channel_links` tables. Owned by Database, used on the
// thread that uses the Database.
#pragma once

#include <span>
#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class ChannelTable {
 public:
  explicit ChannelTable(sqlite3* db);

  void upsert(const ChannelRecord& channel);
  // Subchannels, ACLs, groups and links go with the channel (ON DELETE CASCADE).
  void remove(ChannelId id);
  void add_link(ChannelId a, ChannelId b);
  void remove_link(ChannelId a, ChannelId b);
  // Replaces every link of `channel` with links to `linked`.
  void set_links(ChannelId channel, std::span<const ChannelId> linked);

  std::vector<ChannelRecord> load_channels();
  std::vector<LinkRecord> load_links();

 private:
  sqlite3* db_;
  Statement upsert_;
  Statement remove_;
  Statement select_;
  Statement insert_link_;
  Statement delete_link_;
  Statement delete_links_of_;
  Statement select_links_;
};

}  // namespace plenum::server::store
