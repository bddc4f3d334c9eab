// Steps that integration tests take as an administrator or a registering user: log in as
// SuperUser, make channels, edit and read ACLs, self-register. Used from the test thread.
#pragma once

#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace plenum::test {

inline constexpr const char* kSuperUserPassword = "plenum-integration-admin";

// Permission bits (MUMBLE_PROTOCOL.md §2.14).
inline constexpr std::uint32_t kPermEnter = 0x4, kPermMove = 0x20, kPermMakeChannel = 0x40;

// integration_options() for tests where one client sends many rate-limited edits in a row:
// Murmur's default burst of 5 (§8.4) would silently drop the later ones.
inline PlenumOptions admin_options() {
  PlenumOptions options = integration_options();
  options.settings.extra_ini.emplace_back("messageburst", "100");
  return options;
}

// Creates a server with a SuperUser password set before its first start.
inline std::unique_ptr<PlenumProcess> start_with_superuser(PlenumOptions options = admin_options()) {
  auto server = std::make_unique<PlenumProcess>(std::move(options));
  server->set_superuser_password(kSuperUserPassword);
  server->start();
  return server;
}

inline LoggedIn log_in_superuser(const PlenumProcess& server) {
  auto admin = log_in(server, "SuperUser", kSuperUserPassword);
  REQUIRE_MESSAGE(admin.handshake.synced(), admin.handshake.describe());
  return admin;
}

// Asks for a permanent channel and returns its id from the server's broadcast.
inline std::uint32_t create_channel(MumbleTestClient& client, std::uint32_t parent, const std::string& name,
                                    const std::string& description = {}) {
  MumbleProto::ChannelState request;
  request.set_parent(parent);
  request.set_name(name);
  if (!description.empty()) request.set_description(description);
  client.send(request, deadline_in(kStep));
  auto created = client.wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) {
        return s.has_channel_id() && s.name() == name && s.parent() == parent;
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(created.has_value(), "channel " << name << " was not created");
  return created->channel_id();
}

inline void link_channels(MumbleTestClient& client, std::uint32_t a, std::uint32_t b) {
  MumbleProto::ChannelState request;
  request.set_channel_id(a);
  request.add_links_add(b);
  client.send(request, deadline_in(kStep));
  auto linked = client.wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) {
        return s.channel_id() == a &&
               std::find(s.links_add().begin(), s.links_add().end(), b) != s.links_add().end();
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(linked.has_value(), "no link " << a << " -> " << b);
}

inline MumbleProto::ACL_ChanACL group_rule(const std::string& group, std::uint32_t grant, std::uint32_t deny,
                                           bool apply_here = true, bool apply_subs = true) {
  MumbleProto::ACL_ChanACL rule;
  rule.set_group(group);
  rule.set_grant(grant);
  rule.set_deny(deny);
  rule.set_apply_here(apply_here);
  rule.set_apply_subs(apply_subs);
  rule.set_inherited(false);
  return rule;
}

// Replaces the channel's own ACL entries; the server confirms by flushing every client's
// permission cache (PermissionQuery{flush}).
inline void set_acl(MumbleTestClient& client, std::uint32_t channel, const std::vector<MumbleProto::ACL_ChanACL>& rules) {
  MumbleProto::ACL edit;
  edit.set_channel_id(channel);
  edit.set_inherit_acls(true);
  for (const auto& rule : rules) *edit.add_acls() = rule;
  client.send(edit, deadline_in(kStep));
  auto flushed = client.wait_for<MumbleProto::PermissionQuery>(
      [](const MumbleProto::PermissionQuery& q) { return q.flush(); }, deadline_in(kStep));
  REQUIRE_MESSAGE(flushed.has_value(), "ACL edit of channel " << channel << " not confirmed");
}

inline MumbleProto::ACL query_acl(MumbleTestClient& client, std::uint32_t channel) {
  MumbleProto::ACL query;
  query.set_channel_id(channel);
  query.set_query(true);
  client.send(query, deadline_in(kStep));
  auto reply = client.wait_for<MumbleProto::ACL>(
      [&](const MumbleProto::ACL& a) { return a.channel_id() == channel; }, deadline_in(kStep));
  REQUIRE_MESSAGE(reply.has_value(), "no ACL reply for channel " << channel);
  return *reply;
}

// The entry for `group` in an ACL reply, or null; inherited entries only when asked.
inline const MumbleProto::ACL_ChanACL* find_rule(const MumbleProto::ACL& acl, const std::string& group,
                                                 bool inherited) {
  for (const auto& rule : acl.acls()) {
    if (rule.has_group() && rule.group() == group && rule.inherited() == inherited) return &rule;
  }
  return nullptr;
}

// UserState{session: own, user_id: 0} asks to register the connected certificate; returns the
// user_id from the broadcast (0 when none came).
inline std::uint32_t register_self(MumbleTestClient& client) {
  const std::uint32_t own = client.session();
  MumbleProto::UserState request;
  request.set_session(own);
  request.set_user_id(0);
  client.send(request, deadline_in(kStep));
  auto registered = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == own && s.has_user_id(); },
      deadline_in(kStep));
  return registered ? registered->user_id() : 0;
}

}  // namespace plenum::test
