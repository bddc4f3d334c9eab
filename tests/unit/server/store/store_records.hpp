// Sample records for the store tests: one of each kind, written through the Database API.
#pragma once

#include "server/store/database.hpp"
#include "server/store/records.hpp"

namespace plenum::test {

inline server::store::StoredState sample_stored_state() {
  using namespace server::store;
  StoredState state;
  state.channels = {
      {0, std::nullopt, "Plenum", "The root", 0, 0, true},
      {1, 0, "Assembly", "Main hall <b>bold</b>", 5, 500, true},
      {2, 1, "Breakout 'A'", "", -3, 20, false},
      {3, 0, "Lobby", "", 1, 0, true},
  };
  state.links = {{1, 3}, {2, 3}};
  state.acls = {
      {0, 0, true, true, std::nullopt, "admin", 0xFFFFFFFFU, 0},
      {0, 1, true, false, std::nullopt, "all", 0x1U | 0x2U, 0x4U},
      {1, 0, false, true, 7, "", 0x8U, 0},
  };
  GroupRecord admin{0, "admin", true, true, {7, 9}, {}};
  GroupRecord speakers{1, "speakers", false, true, {9}, {7}};
  state.groups = {admin, speakers};
  state.users = {
      {0, "SuperUser", "", "$pbkdf2-sha256$i=1000$00$11", std::nullopt, std::nullopt},
      {7, "Alice", "0123456789abcdef0123456789abcdef01234567", "", 1, "hello"},
      {9, "J\xC3\xBCrgen", "fedcba9876543210fedcba9876543210fedcba98", "", std::nullopt, ""},
  };
  state.listeners = {{7, 2, 0.5F}, {7, 3, 1.0F}, {9, 1, 2.0F}};
  BanAddress v4_mapped;
  v4_mapped.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 7};
  v4_mapped.mask_bits = 120;
  state.bans = {
      {v4_mapped, "", std::nullopt, "flooding", 1700000000, 3600},
      {std::nullopt, "abababababababababababababababababababab", "Mallory", "", 1700000100, 0},
  };
  state.settings = {{"motd.version", "3"}, {"empty", ""}};
  PlenaryRecord assembly;
  assembly.channel_id = 1;
  assembly.mode = "mix";
  assembly.topk = 6;
  assembly.gate_db = 45;
  assembly.moderated = true;
  assembly.queue = "first-time-first";
  assembly.time_limit_s = 120;
  PlenaryRecord lobby;
  lobby.channel_id = 3;
  lobby.mix_bitrate_bps = 24000;
  lobby.transmit = "ptt";
  state.plenary = {assembly, lobby};
  return state;
}

// Writes `state` in an order that satisfies the foreign keys (parents first).
inline void write_state(server::store::Database& db, const server::store::StoredState& state) {
  using namespace server::store;
  for (const ChannelRecord& channel : state.channels) db.upsert_channel(channel);
  for (const LinkRecord& link : state.links) db.add_link(link.b, link.a);  // order-insensitive
  for (const ChannelRecord& channel : state.channels) {
    std::vector<AclRecord> acls;
    std::vector<GroupRecord> groups;
    for (const AclRecord& acl : state.acls) {
      if (acl.channel_id == channel.id) acls.push_back(acl);
    }
    for (const GroupRecord& group : state.groups) {
      if (group.channel_id == channel.id) groups.push_back(group);
    }
    db.replace_channel_acl(channel.id, acls, groups);
  }
  for (const RegisteredUser& user : state.users) db.upsert_user(user);
  for (const ListenerRecord& listener : state.listeners) db.upsert_listener(listener);
  db.replace_bans(state.bans);
  for (const auto& [key, value] : state.settings) db.set_setting(key, value);
  for (const PlenaryRecord& record : state.plenary) db.upsert_plenary(record);
}

}  // namespace plenum::test
