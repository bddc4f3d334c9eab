// PlenaryTable: the `channel_plenary` table, the plenary settings of permanent channels (schema
// version 3). Owned by Database.
#pragma once

#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class PlenaryTable {
 public:
  explicit PlenaryTable(sqlite3* db);

  void upsert(const PlenaryRecord& record);  // the channel must exist, or StoreError
  void remove(ChannelId channel);
  std::vector<PlenaryRecord> load();  // by channel

 private:
  Statement upsert_;
  Statement remove_;
  Statement select_;
};

}  // namespace plenum::server::store
