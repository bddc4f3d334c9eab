// AclTable: the `acls`, `groups` and `group_members` tables, written per channel as one unit
// (Mumble's ACL message replaces a channel's whole list). Owned by Database.
#pragma once

#include <span>
#include <vector>

#include "server/store/records.hpp"
#include "server/store/sqlite.hpp"

namespace plenum::server::store {

class AclTable {
 public:
  explicit AclTable(sqlite3* db);

  // Replaces the channel's ACL entries and groups. Every record must name `channel`.
  void replace(ChannelId channel, std::span<const AclRecord> acls,
               std::span<const GroupRecord> groups);

  std::vector<AclRecord> load_acls();
  std::vector<GroupRecord> load_groups();

 private:
  sqlite3* db_;
  Statement delete_acls_;
  Statement delete_groups_;
  Statement insert_acl_;
  Statement insert_group_;
  Statement insert_member_;
  Statement select_acls_;
  Statement select_groups_;
  Statement select_members_;
};

}  // namespace plenum::server::store
