#include "server/store/acl_table.hpp"

#include <fmt/core.h>

#include <map>
#include <utility>

#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

void require_channel(ChannelId expected, ChannelId actual, std::string_view what) {
  if (expected != actual) {
    throw StoreError{fmt::format("store: {} of channel {} passed to replace channel {}'s ACL", what,
                                 actual, expected)};
  }
}

}  // namespace

AclTable::AclTable(sqlite3* db)
    : db_{db},
      delete_acls_{db, "DELETE FROM acls WHERE channel_id = ?1"},
      delete_groups_{db, "DELETE FROM groups WHERE channel_id = ?1"},
      insert_acl_{db,
                  "INSERT INTO acls (channel_id, priority, apply_here, apply_subs, user_id, "
                  "group_name, grant_bits, deny_bits) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      insert_group_{db,
                    "INSERT INTO groups (channel_id, name, inherit, inheritable) "
                    "VALUES (?1, ?2, ?3, ?4)"},
      insert_member_{db,
                     "INSERT INTO group_members (channel_id, group_name, user_id, added) "
                     "VALUES (?1, ?2, ?3, ?4)"},
      select_acls_{db,
                   "SELECT channel_id, priority, apply_here, apply_subs, user_id, group_name, "
                   "grant_bits, deny_bits FROM acls ORDER BY channel_id, priority"},
      select_groups_{db,
                     "SELECT channel_id, name, inherit, inheritable FROM groups "
                     "ORDER BY channel_id, name"},
      select_members_{db, "SELECT channel_id, group_name, user_id, added FROM group_members"} {}

void AclTable::replace(ChannelId channel, std::span<const AclRecord> acls,
                       std::span<const GroupRecord> groups) {
  Savepoint savepoint{db_};
  delete_acls_.start().bind(1, channel).run();
  delete_groups_.start().bind(1, channel).run();  // members follow by cascade
  for (const AclRecord& acl : acls) {
    require_channel(channel, acl.channel_id, "an ACL entry");
    insert_acl_.start()
        .bind(1, channel)
        .bind(2, acl.priority)
        .bind(3, acl.apply_here)
        .bind(4, acl.apply_subs)
        .bind(5, acl.user_id)
        .bind(6, acl.group)
        .bind(7, acl.grant)
        .bind(8, acl.deny)
        .run();
  }
  for (const GroupRecord& group : groups) {
    require_channel(channel, group.channel_id, "a group");
    insert_group_.start()
        .bind(1, channel)
        .bind(2, group.name)
        .bind(3, group.inherit)
        .bind(4, group.inheritable)
        .run();
    auto insert_members = [&](const std::set<UserId>& members, bool added) {
      for (const UserId user : members) {
        insert_member_.start().bind(1, channel).bind(2, group.name).bind(3, user).bind(4, added);
        insert_member_.run();
      }
    };
    insert_members(group.add, true);
    insert_members(group.remove, false);
  }
  savepoint.release();
}

std::vector<AclRecord> AclTable::load_acls() {
  std::vector<AclRecord> acls;
  select_acls_.start();
  while (select_acls_.next_row()) {
    AclRecord& acl = acls.emplace_back();
    acl.channel_id = select_acls_.uint32(0);
    acl.priority = select_acls_.uint32(1);
    acl.apply_here = select_acls_.boolean(2);
    acl.apply_subs = select_acls_.boolean(3);
    if (!select_acls_.is_null(4)) acl.user_id = select_acls_.uint32(4);
    acl.group = select_acls_.text(5);
    acl.grant = select_acls_.uint32(6);
    acl.deny = select_acls_.uint32(7);
  }
  return acls;
}

std::vector<GroupRecord> AclTable::load_groups() {
  std::vector<GroupRecord> groups;
  std::map<std::pair<ChannelId, std::string>, std::size_t> index;
  select_groups_.start();
  while (select_groups_.next_row()) {
    GroupRecord& group = groups.emplace_back();
    group.channel_id = select_groups_.uint32(0);
    group.name = select_groups_.text(1);
    group.inherit = select_groups_.boolean(2);
    group.inheritable = select_groups_.boolean(3);
    index.emplace(std::pair{group.channel_id, group.name}, groups.size() - 1);
  }
  select_members_.start();
  while (select_members_.next_row()) {
    const auto found = index.find({select_members_.uint32(0), select_members_.text(1)});
    if (found == index.end()) continue;  // the foreign key prevents this
    GroupRecord& group = groups[found->second];
    (select_members_.boolean(3) ? group.add : group.remove).insert(select_members_.uint32(2));
  }
  return groups;
}

}  // namespace plenum::server::store
