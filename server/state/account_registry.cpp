#include "server/state/account_registry.hpp"

#include "server/state/name_rules.hpp"

namespace plenum::server::state {

AccountRegistry::AccountRegistry(std::vector<Account> accounts) {
  for (auto& account : accounts) accounts_.insert_or_assign(account.id, std::move(account));
  if (!accounts_.contains(kSuperUserId)) {
    accounts_.emplace(kSuperUserId, Account{kSuperUserId, std::string{kSuperUserName}, {}, {}, {}, {}, {}});
  }
}

const Account* AccountRegistry::find(UserId id) const noexcept {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

void AccountRegistry::forget_listened(const std::vector<ChannelId>& removed) {
  for (auto& [id, account] : accounts_) {
    for (const ChannelId channel : removed) account.listening.erase(channel);
  }
}

Account* AccountRegistry::find_mutable(UserId id) noexcept {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

const Account* AccountRegistry::find_by_name(std::string_view name) const noexcept {
  for (const auto& [id, account] : accounts_) {
    if (equal_ignoring_case(account.name, name)) return &account;
  }
  return nullptr;
}

const Account* AccountRegistry::find_by_cert(std::string_view cert_hash) const noexcept {
  if (cert_hash.empty()) return nullptr;
  for (const auto& [id, account] : accounts_) {
    if (account.cert_hash == cert_hash) return &account;
  }
  return nullptr;
}

std::optional<UserId> AccountRegistry::add(std::string name, std::string cert_hash) {
  if (find_by_name(name) || find_by_cert(cert_hash)) return std::nullopt;
  UserId id = 1;
  while (accounts_.contains(id)) ++id;
  accounts_.emplace(id, Account{id, std::move(name), std::move(cert_hash), {}, {}, {}, {}});
  return id;
}

bool AccountRegistry::remove(UserId id) {
  if (id == kSuperUserId) return false;
  return accounts_.erase(id) > 0;
}

bool AccountRegistry::rename(UserId id, std::string name) {
  Account* account = find_mutable(id);
  if (!account) return false;
  if (const Account* other = find_by_name(name); other && other->id != id) return false;
  account->name = std::move(name);
  return true;
}

}  // namespace plenum::server::state
