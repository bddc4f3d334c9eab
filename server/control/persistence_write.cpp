// Persistence: the writes. Records are built here on the control thread and moved into the
// closure, so the Store's thread never touches live state.
#include "server/control/persistence.hpp"

#include "server/store/database.hpp"
#include "server/store/store.hpp"

namespace plenum::server::control {

namespace {

std::vector<store::ChannelId> stored_links(const state::ServerState& state, const state::Channel& channel) {
  std::vector<store::ChannelId> links;
  for (const auto other : channel.links) {
    const auto* linked = state.channels().find(other);
    if (linked && !linked->temporary) links.push_back(other);
  }
  return links;
}

struct ChannelRecords {
  store::ChannelRecord channel;
  std::vector<store::AclRecord> acls;
  std::vector<store::GroupRecord> groups;
};

ChannelRecords records_of(const state::Channel& channel) {
  return ChannelRecords{channel_record(channel), acl_records(channel), group_records(channel)};
}

}  // namespace

void Persistence::post(std::function<void(store::Database&)> write) {
  last_write_ = store_.post(std::move(write));
}

void Persistence::save_everything(const state::ServerState& state, const state::AccountRegistry& accounts) {
  std::vector<ChannelRecords> channels;
  std::vector<std::pair<store::ChannelId, std::vector<store::ChannelId>>> links;
  // Breadth-first: a parent row exists before its children reference it.
  for (const auto id : state.channels().breadth_first()) {
    const state::Channel& channel = *state.channels().find(id);
    if (channel.temporary) continue;
    channels.push_back(records_of(channel));
    links.emplace_back(id, stored_links(state, channel));
  }
  std::vector<store::RegisteredUser> users;
  for (const auto& [id, account] : accounts.accounts()) users.push_back(account_record(account));
  post([channels = std::move(channels), links = std::move(links), users = std::move(users)](store::Database& db) {
    auto transaction = db.savepoint();
    for (const auto& records : channels) {
      db.upsert_channel(records.channel);
      db.replace_channel_acl(records.channel.id, records.acls, records.groups);
    }
    for (const auto& [id, linked] : links) db.set_channel_links(id, linked);
    for (const auto& user : users) db.upsert_user(user);
    transaction.release();
  });
}

void Persistence::save_channel(const state::ServerState& state, state::ChannelId id) {
  const state::Channel* channel = state.channels().find(id);
  if (!channel || channel->temporary) return;
  post([records = records_of(*channel), links = stored_links(state, *channel)](store::Database& db) {
    auto transaction = db.savepoint();
    db.upsert_channel(records.channel);
    db.replace_channel_acl(records.channel.id, records.acls, records.groups);
    db.set_channel_links(records.channel.id, links);
    transaction.release();
  });
}

void Persistence::remove_channels(const std::vector<state::ChannelId>& ids) {
  post([ids](store::Database& db) {
    auto transaction = db.savepoint();
    for (const auto id : ids) db.remove_channel(id);
    transaction.release();
  });
}

void Persistence::save_account(const state::Account& account) {
  post([record = account_record(account)](store::Database& db) { db.upsert_user(record); });
}

void Persistence::remove_account(state::UserId id) {
  post([id](store::Database& db) { db.remove_user(id); });
}

void Persistence::save_listener(state::UserId user, state::ChannelId channel, float volume) {
  post([record = store::ListenerRecord{user, channel, volume}](store::Database& db) {
    db.upsert_listener(record);
  });
}

void Persistence::remove_listener(state::UserId user, state::ChannelId channel) {
  post([user, channel](store::Database& db) { db.remove_listener(user, channel); });
}

void Persistence::save_bans(const std::vector<store::BanRecord>& bans) {
  post([bans](store::Database& db) { db.replace_bans(bans); });
}

}  // namespace plenum::server::control
