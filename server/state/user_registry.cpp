#include "server/state/user_registry.hpp"

#include "server/state/name_rules.hpp"
#include "server/state/state_error.hpp"

#include <utility>

namespace plenum::server::state {

UserRegistry::UserRegistry(SessionId first_session)
    : next_{first_session == 0 ? SessionId{1} : first_session} {}

SessionId UserRegistry::allocate_session() {
  // Terminates: far fewer than 2^32-1 sessions can be allocated at once.
  while (next_ == 0 || allocated_.contains(next_)) ++next_;
  const SessionId session = next_++;
  allocated_.insert(session);
  return session;
}

void UserRegistry::release_session(SessionId session) noexcept {
  if (!users_.contains(session)) allocated_.erase(session);
}

protocol::Result<ConnectedUser*> UserRegistry::add(ConnectedUser user) {
  if (!allocated_.contains(user.session)) return StateError::SessionNotAllocated;
  if (users_.contains(user.session)) return StateError::DuplicateSession;
  const SessionId session = user.session;
  return &users_.emplace(session, std::move(user)).first->second;
}

std::optional<ConnectedUser> UserRegistry::remove(SessionId session) {
  const auto it = users_.find(session);
  if (it == users_.end()) return std::nullopt;
  ConnectedUser user = std::move(it->second);
  users_.erase(it);
  allocated_.erase(session);
  return user;
}

ConnectedUser* UserRegistry::find(SessionId session) noexcept {
  const auto it = users_.find(session);
  return it == users_.end() ? nullptr : &it->second;
}

const ConnectedUser* UserRegistry::find(SessionId session) const noexcept {
  const auto it = users_.find(session);
  return it == users_.end() ? nullptr : &it->second;
}

const ConnectedUser* UserRegistry::find_by_name(std::string_view name) const noexcept {
  for (const auto& [session, user] : users_) {
    if (equal_ignoring_case(user.name, name)) return &user;
  }
  return nullptr;
}

const ConnectedUser* UserRegistry::find_by_user_id(UserId user_id) const noexcept {
  for (const auto& [session, user] : users_) {
    if (user.user_id == user_id) return &user;
  }
  return nullptr;
}

std::vector<SessionId> UserRegistry::in_channel(ChannelId channel) const {
  std::vector<SessionId> sessions;
  for (const auto& [session, user] : users_) {
    if (user.channel == channel) sessions.push_back(session);
  }
  return sessions;
}

std::size_t UserRegistry::count_in_channel(ChannelId channel) const noexcept {
  std::size_t count = 0;
  for (const auto& [session, user] : users_) count += user.channel == channel ? 1 : 0;
  return count;
}

}  // namespace plenum::server::state
