// What the store keeps across restarts, as plain records. No dependency on server/state: the
// control plane converts its state to records and back. Privacy (DESIGN.md §5): nothing here
// holds an address or connection history, except a ban an admin made on an address.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace plenum::server::store {

using ChannelId = std::uint32_t;
using UserId = std::uint32_t;

struct ChannelRecord {
  ChannelId id = 0;
  std::optional<ChannelId> parent;  // nullopt for the root channel
  std::string name;
  std::string description;
  std::int32_t position = 0;
  std::uint32_t max_users = 0;  // 0 = the server's usersperchannel
  bool inherit_acls = true;
  bool operator==(const ChannelRecord&) const = default;
};

// One ACL entry; a channel's entries apply in `priority` order.
struct AclRecord {
  ChannelId channel_id = 0;
  std::uint32_t priority = 0;
  bool apply_here = true;
  bool apply_subs = true;
  std::optional<UserId> user_id;  // a registered user; nullopt: the entry names `group`
  std::string group;
  std::uint32_t grant = 0;  // permission bits (Mumble's ACL::Perm)
  std::uint32_t deny = 0;
  bool operator==(const AclRecord&) const = default;
};

struct GroupRecord {
  ChannelId channel_id = 0;
  std::string name;
  bool inherit = true;
  bool inheritable = true;
  std::set<UserId> add;     // members added here
  std::set<UserId> remove;  // inherited members removed here
  bool operator==(const GroupRecord&) const = default;
};

// An undirected link between two channels, stored with a < b.
struct LinkRecord {
  ChannelId a = 0;
  ChannelId b = 0;
  bool operator==(const LinkRecord&) const = default;
};

struct RegisteredUser {
  UserId user_id = 0;
  std::string name;
  std::string cert_hash;                  // hex SHA-1 of the client certificate; "" = none
  std::string password_hash;              // password_hash.hpp's format; "" = none
  std::optional<ChannelId> last_channel;  // for rememberchannel
  std::optional<std::string> comment;
  bool operator==(const RegisteredUser&) const = default;
};

// A registered user listening to a permanent channel (Murmur's channel_listeners table), with
// the volume factor it chose for it (1.0 = unchanged). Murmur also keeps disabled rows so that a
// volume outlives the listener; Plenum deletes the row when the listener goes.
struct ListenerRecord {
  UserId user_id = 0;
  ChannelId channel_id = 0;
  float volume = 1.0F;
  bool operator==(const ListenerRecord&) const = default;
};

// A permanent channel's plenary settings (DESIGN.md §4), as text and numbers; the control plane
// checks them on load. Unset engine fields fall back to the [plenary] config.
struct PlenaryRecord {
  ChannelId channel_id = 0;
  std::optional<std::string> mode;  // all|topk|mix
  std::optional<std::uint32_t> topk;
  std::optional<std::uint32_t> mix_bitrate_bps;
  std::optional<std::uint32_t> gate_db;  // below full scale
  std::optional<std::string> transmit;   // any|vad|ptt|auto
  bool moderated = false;
  std::string queue = "fifo";  // fifo|first-time-first
  std::uint32_t time_limit_s = 0;
  bool operator==(const PlenaryRecord&) const = default;
};

// An address ban, which only an admin's explicit BanList entry creates.
struct BanAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv6; IPv4 as ::ffff:a.b.c.d
  std::uint8_t mask_bits = 128;          // prefix length over the 16 bytes
  bool operator==(const BanAddress&) const = default;
};

struct BanRecord {
  std::optional<BanAddress> address;
  std::string cert_hash;  // "" = not a certificate ban
  std::optional<std::string> name;
  std::string reason;
  std::int64_t start = 0;      // unix seconds
  std::uint32_t duration = 0;  // seconds; 0 = until lifted
  bool operator==(const BanRecord&) const = default;
};

// Everything in the database, as loaded at startup. Each list is in a stable order: channels
// by id, ACLs by channel and priority, groups by channel and name, links by (a, b), users by
// id, listeners by user and channel, bans in the order they were written, plenary settings by channel.
struct StoredState {
  std::vector<ChannelRecord> channels;
  std::vector<AclRecord> acls;
  std::vector<GroupRecord> groups;
  std::vector<LinkRecord> links;
  std::vector<RegisteredUser> users;
  std::vector<ListenerRecord> listeners;
  std::vector<BanRecord> bans;
  std::map<std::string, std::string> settings;
  std::vector<PlenaryRecord> plenary;  // by channel
  bool operator==(const StoredState&) const = default;
};

}  // namespace plenum::server::store
