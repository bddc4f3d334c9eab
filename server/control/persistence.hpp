// Persistence: converts between the store's plain records and the live state. Loading runs once
// at startup; every change the control plane makes is turned into records here and posted to
// the Store, which writes on its own thread. The control plane never waits for the disk, but
// what it sends after a change is held until the write commits (Session::deliver), so nothing
// a client saw confirmed is lost by a crash.
#pragma once

#include "server/config/server_config.hpp"
#include "server/state/account_registry.hpp"
#include "server/state/server_state.hpp"
#include "server/store/records.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace plenum::server::store {
class Database;
class Store;
}  // namespace plenum::server::store

namespace plenum::server::control {

struct LoadedState {
  state::ServerState state;
  state::AccountRegistry accounts;
  std::vector<store::BanRecord> bans;
  bool fresh = false;  // the database was empty: the defaults must be written
};

state::StateRules state_rules(const config::ServerConfig& config);

// A fresh database yields the root channel with Murmur's default ACL, named `registerName`.
// Throws std::runtime_error when stored channels do not form a tree.
LoadedState load_state(const store::StoredState& stored, const config::ServerConfig& config);

// The records that describe one channel (attributes, ACL entries, groups).
store::ChannelRecord channel_record(const state::Channel& channel);
std::vector<store::AclRecord> acl_records(const state::Channel& channel);
std::vector<store::GroupRecord> group_records(const state::Channel& channel);
store::RegisteredUser account_record(const state::Account& account);

// Posts writes to the store. Temporary channels are never stored.
class Persistence {
 public:
  explicit Persistence(store::Store& store) noexcept : store_{store} {}

  // The number of the last write posted (Store::post); 0 before the first. What the control
  // plane sends after a change must wait until the store has finished this many writes.
  std::uint64_t last_write() const noexcept { return last_write_; }
  store::Store& store() noexcept { return store_; }

  void save_everything(const state::ServerState& state, const state::AccountRegistry& accounts);
  // Attributes, ACL entries, groups and links of one channel.
  void save_channel(const state::ServerState& state, state::ChannelId id);
  void remove_channels(const std::vector<state::ChannelId>& ids);
  void save_account(const state::Account& account);
  void remove_account(state::UserId id);
  // A registered user's listener of a permanent channel, with its volume (added or changed).
  void save_listener(state::UserId user, state::ChannelId channel, float volume);
  void remove_listener(state::UserId user, state::ChannelId channel);
  void save_bans(const std::vector<store::BanRecord>& bans);

 private:
  void post(std::function<void(store::Database&)> write);

  store::Store& store_;
  std::uint64_t last_write_ = 0;
};

}  // namespace plenum::server::control
