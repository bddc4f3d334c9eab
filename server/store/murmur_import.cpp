#include "server/store/murmur_import.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <vector>

#include "server/store/database.hpp"
#include "server/store/murmur_reader.hpp"
#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

// What a fresh plenum-server writes on its first start: the root channel with its default ACL
// and groups, and SuperUser (user 0) until someone sets its password.
bool holds_more_than_fresh(const StoredState& state) {
  const bool extra_channels = state.channels.size() > 1;
  const bool extra_users = std::any_of(state.users.begin(), state.users.end(), [](const auto& user) {
    return user.user_id != 0 || !user.password_hash.empty();
  });
  return extra_channels || extra_users || !state.links.empty() || !state.listeners.empty() ||
         !state.bans.empty();
}

void refuse_unless_empty(const Database& database, const StoredState& state) {
  if (!holds_more_than_fresh(state)) return;
  throw StoreError{fmt::format(
      "import: refusing to import: {} is not empty ({} channels, {} users, {} bans); import "
      "into a new --data-dir",
      database.file().string(), state.channels.size(), state.users.size(), state.bans.size())};
}

void write(Database& database, const StoredState& murmur) {
  std::map<ChannelId, std::vector<AclRecord>> acls;
  std::map<ChannelId, std::vector<GroupRecord>> groups;
  for (const auto& acl : murmur.acls) acls[acl.channel_id].push_back(acl);
  for (const auto& group : murmur.groups) groups[group.channel_id].push_back(group);
  Savepoint transaction = database.savepoint();
  // Channels come parent first (murmur_reader.hpp). Every channel's ACL is replaced, the root's
  // too: a fresh server's default root ACL gives way to Murmur's.
  for (const auto& channel : murmur.channels) {
    database.upsert_channel(channel);
    database.replace_channel_acl(channel.id, acls[channel.id], groups[channel.id]);
  }
  for (const auto& link : murmur.links) database.add_link(link.a, link.b);
  for (const auto& user : murmur.users) database.upsert_user(user);
  database.replace_bans(murmur.bans);
  transaction.release();
}

}  // namespace

std::string ImportSummary::describe() const {
  return fmt::format(
      "{} channels, {} links, {} ACL entries, {} groups ({} members), {} users ({} with a "
      "password), {} bans",
      channels, links, acl_entries, groups, group_members, users, users_with_password, bans);
}

ImportSummary import_murmur(const std::filesystem::path& murmur_file, std::int64_t server_id,
                            const std::filesystem::path& target) {
  const MurmurServer murmur = read_murmur_database(murmur_file, server_id);
  Database database{target};
  refuse_unless_empty(database, database.load());
  write(database, murmur.state);
  const StoredState& state = murmur.state;
  return ImportSummary{state.channels.size(), state.links.size(), state.acls.size(),
                       state.groups.size(),   murmur.group_members, state.users.size(),
                       murmur.users_with_password, state.bans.size()};
}

}  // namespace plenum::server::store
