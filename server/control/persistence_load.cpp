#include "server/control/persistence.hpp"

#include "server/state/plenary_rules.hpp"

#include <map>
#include <stdexcept>

namespace plenum::server::control {

state::StateRules state_rules(const config::ServerConfig& config) {
  state::StateRules rules;
  rules.nesting_limit = config.channels.nesting_limit;
  rules.channel_count_limit = config.channels.count_limit;
  rules.users_per_channel = config.limits.users_per_channel;
  rules.user_name_pattern = config.access.username_pattern;
  rules.channel_name_pattern = config.channels.name_pattern;
  rules.text.message_length = config.text.text_message_length;
  rules.text.image_message_length = config.text.image_message_length;
  rules.text.allow_html = config.text.allow_html;
  return rules;
}

namespace {

state::Channel to_channel(const store::ChannelRecord& record) {
  state::Channel channel;
  channel.id = record.id;
  channel.parent = record.parent;
  channel.name = record.name;
  channel.description = record.description;
  channel.position = record.position;
  channel.max_users = record.max_users;
  channel.inherit_acls = record.inherit_acls;
  return channel;
}

state::AclEntry to_acl(const store::AclRecord& record) {
  state::AclEntry entry;
  entry.apply_here = record.apply_here;
  entry.apply_subs = record.apply_subs;
  entry.user_id = record.user_id;
  entry.group = record.group;
  entry.grant = state::Permissions::from_bits(record.grant);
  entry.deny = state::Permissions::from_bits(record.deny);
  return entry;
}

state::ChannelGroup to_group(const store::GroupRecord& record) {
  state::ChannelGroup group;
  group.name = record.name;
  group.inherit = record.inherit;
  group.inheritable = record.inheritable;
  group.add = record.add;
  group.remove = record.remove;
  return group;
}

state::Account to_account(const store::RegisteredUser& record) {
  return state::Account{record.user_id, record.name, record.cert_hash, record.password_hash,
                        record.last_channel, record.comment.value_or(""), {}};
}

// Listeners of unknown users or channels are skipped (the foreign keys allow none); a volume
// edited out of range by hand becomes 1.0 (ListenedChannels::insert).
void add_listeners(std::vector<state::Account>& accounts,
                   const std::vector<store::ListenerRecord>& records,
                   const std::map<state::ChannelId, state::Channel>& channels) {
  std::map<state::UserId, state::Account*> by_id;
  for (auto& account : accounts) by_id.emplace(account.id, &account);
  for (const auto& record : records) {
    const auto it = by_id.find(record.user_id);
    if (it == by_id.end() || !channels.contains(record.channel_id)) continue;
    it->second->listening.insert(record.channel_id, record.volume);
  }
}

}  // namespace

LoadedState load_state(const store::StoredState& stored, const config::ServerConfig& config) {
  const std::string& root_name = config.channels.root_name;
  const bool fresh = stored.channels.empty();
  std::map<state::ChannelId, state::Channel> channels;
  for (const auto& record : stored.channels) channels.emplace(record.id, to_channel(record));
  if (fresh) {
    state::Channel root;
    root.id = state::kRootChannel;
    root.name = root_name;
    root.inherit_acls = false;
    root.acls = state::default_root_acls();
    for (auto& group : state::default_root_groups()) root.groups.emplace(group.name, std::move(group));
    channels.emplace(root.id, std::move(root));
  }
  // Records are sorted by channel and priority (store contract), so appending keeps order.
  for (const auto& record : stored.acls) {
    if (auto it = channels.find(record.channel_id); it != channels.end()) it->second.acls.push_back(to_acl(record));
  }
  for (const auto& record : stored.groups) {
    if (auto it = channels.find(record.channel_id); it != channels.end())
      it->second.groups.emplace(record.name, to_group(record));
  }
  for (const auto& link : stored.links) {
    auto a = channels.find(link.a);
    auto b = channels.find(link.b);
    if (a == channels.end() || b == channels.end()) continue;
    a->second.links.insert(link.b);
    b->second.links.insert(link.a);
  }
  for (const auto& record : stored.plenary) {
    if (auto it = channels.find(record.channel_id); it != channels.end()) it->second.plenary = plenary_settings(record);
  }
  std::vector<state::Account> accounts;
  for (const auto& record : stored.users) accounts.push_back(to_account(record));
  add_listeners(accounts, stored.listeners, channels);

  std::vector<state::Channel> list;
  list.reserve(channels.size());
  for (auto& [id, channel] : channels) list.push_back(std::move(channel));
  auto tree = state::ChannelTree::from_channels(std::move(list), root_name);
  if (!tree) throw std::runtime_error("database: stored channels do not form a tree: " + tree.error().message());
  // The root's name follows registerName, as Murmur's does.
  tree->rename(state::kRootChannel, root_name);

  return LoadedState{state::ServerState{state_rules(config), std::move(*tree)},
                     state::AccountRegistry{std::move(accounts)}, stored.bans, fresh};
}

store::ChannelRecord channel_record(const state::Channel& channel) {
  return store::ChannelRecord{channel.id, channel.parent, channel.name, channel.description,
                              channel.position, channel.max_users, channel.inherit_acls};
}

std::vector<store::AclRecord> acl_records(const state::Channel& channel) {
  std::vector<store::AclRecord> records;
  std::uint32_t priority = 0;
  for (const auto& entry : channel.acls) {
    records.push_back(store::AclRecord{channel.id, priority++, entry.apply_here, entry.apply_subs,
                                       entry.user_id, entry.group, entry.grant.bits(), entry.deny.bits()});
  }
  return records;
}

std::vector<store::GroupRecord> group_records(const state::Channel& channel) {
  std::vector<store::GroupRecord> records;
  for (const auto& [name, group] : channel.groups) {
    records.push_back(store::GroupRecord{channel.id, name, group.inherit, group.inheritable, group.add, group.remove});
  }
  return records;
}

store::RegisteredUser account_record(const state::Account& account) {
  return store::RegisteredUser{account.id, account.name, account.cert_hash, account.password_hash,
                               account.last_channel,
                               account.comment.empty() ? std::nullopt : std::optional<std::string>{account.comment}};
}

store::PlenaryRecord plenary_record(const state::Channel& channel) {
  const auto& settings = channel.plenary;
  store::PlenaryRecord record;
  record.channel_id = channel.id;
  if (settings.mode) record.mode = std::string{config::to_string(*settings.mode)};
  record.topk = settings.topk;
  record.mix_bitrate_bps = settings.mix_bitrate_bps;
  record.gate_db = settings.gate_db_below_full_scale;
  if (settings.transmit) record.transmit = std::string{config::to_string(*settings.transmit)};
  record.moderated = settings.moderated;
  record.queue = std::string{state::to_string(settings.queue)};
  record.time_limit_s = settings.time_limit_s;
  return record;
}

namespace {

std::optional<std::uint32_t> within(const std::optional<std::uint32_t>& value, std::uint32_t low, std::uint32_t high) {
  if (!value || *value < low || *value > high) return std::nullopt;
  return value;
}

}  // namespace

state::PlenarySettings plenary_settings(const store::PlenaryRecord& record) {
  state::PlenarySettings settings;
  if (record.mode) settings.mode = config::parse_listener_mode(*record.mode);
  settings.topk = within(record.topk, state::kMinTopK, state::kMaxTopK);
  settings.mix_bitrate_bps = within(record.mix_bitrate_bps, state::kMinMixBitrate, state::kMaxMixBitrate);
  settings.gate_db_below_full_scale = within(record.gate_db, 0, state::kMaxGateDb);
  if (record.transmit) settings.transmit = config::parse_transmit_policy(*record.transmit);
  settings.moderated = record.moderated;
  settings.queue = state::parse_queue_policy(record.queue).value_or(state::QueuePolicy::Fifo);
  settings.time_limit_s = record.time_limit_s;
  return settings;
}

}  // namespace plenum::server::control
