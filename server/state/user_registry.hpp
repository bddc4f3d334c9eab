// UserRegistry: the connected users by session, and the session ids handed to connections.
// Owned by ServerState on the control-plane thread; not thread-safe.
#pragma once

#include "protocol/bytes.hpp"
#include "server/state/ids.hpp"
#include "server/state/user.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace plenum::server::state {

class UserRegistry {
 public:
  explicit UserRegistry(SessionId first_session = 1);

  // A session id for a new connection: never 0, never one in use, and the one after the last
  // handed out (wrapping past 2^32-1), so a freed id comes back only after ~4 billion
  // connections. Murmur 1.3.4 gets the same effect from a FIFO pool; clients and logs key state
  // by session, so a quick reuse would attribute a late message to the wrong user.
  SessionId allocate_session();
  // Returns an allocated session that never became a user (rejected or dropped during login).
  void release_session(SessionId session) noexcept;
  bool is_allocated(SessionId session) const noexcept { return allocated_.contains(session); }

  // The session must come from allocate_session() and not be in use by another user yet.
  protocol::Result<ConnectedUser*> add(ConnectedUser user);
  // Removes the user and frees its session.
  std::optional<ConnectedUser> remove(SessionId session);

  ConnectedUser* find(SessionId session) noexcept;
  const ConnectedUser* find(SessionId session) const noexcept;
  // Murmur's ghost and name-in-use checks compare names ignoring case.
  const ConnectedUser* find_by_name(std::string_view name) const noexcept;
  const ConnectedUser* find_by_user_id(UserId user_id) const noexcept;
  std::vector<SessionId> in_channel(ChannelId channel) const;  // ascending sessions
  std::size_t count_in_channel(ChannelId channel) const noexcept;

  std::size_t size() const noexcept { return users_.size(); }
  const std::map<SessionId, ConnectedUser>& users() const noexcept { return users_; }

 private:
  SessionId next_;
  std::set<SessionId> allocated_;  // handed out and not yet released, users included
  std::map<SessionId, ConnectedUser> users_;
};

}  // namespace plenum::server::state
