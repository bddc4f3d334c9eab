// Builds small ServerStates for the state tests: Murmur's default root ACL, a few channels,
// users admitted by name.
#pragma once

#include "server/state/acl.hpp"
#include "server/state/server_state.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace plenum::server::state::testing {

inline AclEntry acl(std::string group, Permissions grant, Permissions deny = {},
                    bool here = true, bool subs = true) {
  AclEntry e;
  e.group = std::move(group);
  e.grant = grant;
  e.deny = deny;
  e.apply_here = here;
  e.apply_subs = subs;
  return e;
}

struct StateFixture {
  ServerState state;

  explicit StateFixture(StateRules rules = {}) : state{std::move(rules)} {
    REQUIRE(state.channels().set_access(kRootChannel, true, default_root_acls(),
                                        default_root_groups()));
  }

  ChannelId channel(ChannelId parent, std::string name, bool temporary = false) {
    NewChannel spec;
    spec.name = std::move(name);
    spec.temporary = temporary;
    return state.channels().create(parent, std::move(spec)).value();
  }

  SessionId user(std::string name, ChannelId where = kRootChannel,
                 std::optional<UserId> user_id = std::nullopt, std::string cert_hash = {}) {
    ConnectedUser u;
    u.session = state.users().allocate_session();
    u.name = std::move(name);
    u.user_id = user_id;
    u.cert_hash = std::move(cert_hash);
    const SessionId session = u.session;
    REQUIRE(state.admit(std::move(u), where));
    return session;
  }

  void make_admin(UserId id) {
    ChannelGroup admin;
    admin.name = "admin";
    admin.add = {id};
    REQUIRE(state.channels().set_access(kRootChannel, true, default_root_acls(), {admin}));
  }

  void acls(ChannelId channel, std::vector<AclEntry> entries) {
    REQUIRE(state.channels().set_access(channel, true, std::move(entries), {}));
  }

  const ConnectedUser& get(SessionId session) const { return *state.users().find(session); }
};

}  // namespace plenum::server::state::testing
