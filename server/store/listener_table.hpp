// ListenerTable: the `channel_listeners` table, the permanent channels each registered user
// listens to and the volume factor it set for each. Owned by Database.
#pragma once

#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class ListenerTable {
 public:
  explicit ListenerTable(sqlite3* db);

  // Adds the listener or sets the volume of the stored one. The user and the channel must
  // exist (foreign keys), or StoreError.
  void upsert(const ListenerRecord& listener);
  void remove(UserId user, ChannelId channel);
  std::vector<ListenerRecord> load();  // by user, then channel

 private:
  Statement upsert_;
  Statement remove_;
  Statement select_;
};

}  // namespace plenum::server::store
