// AccountRegistry: the registered user accounts (name, certificate hash, password hash), loaded
// from the store at startup and changed by registration and admin edits; every change is also
// written to the store by the control plane. SuperUser is account 0. Control-plane thread.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/listened_channels.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

inline constexpr std::string_view kSuperUserName = "SuperUser";

struct Account {
  UserId id = 0;
  std::string name;
  std::string cert_hash;      // SHA-1 hex of the certificate that owns the account; "" = none
  std::string password_hash;  // store/password_hash format; "" = no password login
  std::optional<ChannelId> last_channel;  // for rememberchannel
  std::string comment;
  // The permanent channels it listens to, given back at login (Murmur's channel_listeners
  // table); temporary channels are never remembered.
  ListenedChannels listening;

  bool operator==(const Account&) const = default;
};

class AccountRegistry {
 public:
  // Loaded accounts; SuperUser (id 0) is created without a password when missing.
  explicit AccountRegistry(std::vector<Account> accounts = {});

  const Account* find(UserId id) const noexcept;
  // Names compare ignoring ASCII case, as Murmur's do.
  const Account* find_by_name(std::string_view name) const noexcept;
  const Account* find_by_cert(std::string_view cert_hash) const noexcept;
  const std::map<UserId, Account>& accounts() const noexcept { return accounts_; }

  // A new account with the lowest free id above 0. nullopt when the name or certificate is
  // already registered.
  std::optional<UserId> add(std::string name, std::string cert_hash);
  bool remove(UserId id);  // SuperUser cannot be removed
  bool rename(UserId id, std::string name);  // false when taken by another account
  Account* find_mutable(UserId id) noexcept;
  // Every account stops listening to the removed channels.
  void forget_listened(const std::vector<ChannelId>& removed);

 private:
  std::map<UserId, Account> accounts_;
};

}  // namespace plenum::server::state
