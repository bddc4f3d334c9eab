// ACL (MUMBLE_PROTOCOL.md §2.14): query shows the entries and groups in force, with the names of
// the accounts they mention; an edit replaces the channel's own entries and groups, is stored,
// and makes every client drop its cached permissions.
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/state/acl_view.hpp"
#include "server/state/channel_rules.hpp"

namespace plenum::server::control {

namespace {

void send_acl(ControlPlane& plane, Session& session, state::ChannelId channel) {
  const auto view = state::describe_acl(plane.state().channels(), channel);
  if (!view) return;
  MumbleProto::ACL reply;
  reply.set_channel_id(channel);
  reply.set_inherit_acls(view->inherit_acls);
  for (const auto& group : view->groups) {
    auto* out = reply.add_groups();
    out->set_name(group.name);
    out->set_inherited(group.inherited);
    out->set_inherit(group.inherit);
    out->set_inheritable(group.inheritable);
    for (const auto id : group.add) out->add_add(id);
    for (const auto id : group.remove) out->add_remove(id);
    for (const auto id : group.inherited_members) out->add_inherited_members(id);
  }
  for (const auto& item : view->acls) {
    auto* out = reply.add_acls();
    out->set_apply_here(item.entry.apply_here);
    out->set_apply_subs(item.entry.apply_subs);
    out->set_inherited(item.inherited);
    if (item.entry.user_id) {
      out->set_user_id(*item.entry.user_id);
    } else {
      out->set_group(item.entry.group);
    }
    out->set_grant(item.entry.grant.bits());
    out->set_deny(item.entry.deny.bits());
  }
  // The client shows names, not ids: tell it the accounts the ACL mentions.
  MumbleProto::QueryUsers names;
  for (const auto id : view->user_ids) {
    if (const auto* account = plane.accounts().find(id)) {
      names.add_ids(id);
      names.add_names(account->name);
    }
  }
  session.send(names);
  session.send(reply);
}

// What one channel's ACL may hold. Every permission check walks the entries of the channel
// and its parents, so an edit of a million entries would slow every later check; Murmur's own
// editor shows a few dozen. Entries past these counts are ignored.
constexpr std::size_t kMaxAclEntries = 512;
constexpr std::size_t kMaxAclGroups = 256;

}  // namespace

void handle_acl(ControlPlane& plane, Session& session, const MumbleProto::ACL& message) {
  auto& state = plane.state();
  const state::ChannelId channel = message.channel_id();
  if (!state.channels().contains(channel)) return;
  const auto verdict = state::check_acl_access(state, session.id(), channel);
  if (verdict.denied()) {
    send_denial(session, verdict.denial());
    return;
  }
  if (!verdict.allowed()) return;
  if (message.query()) {
    send_acl(plane, session, channel);
    return;
  }
  if (!session.allow_rate_limited()) return;

  std::vector<state::AclEntry> acls;
  for (const auto& in : message.acls()) {
    if (acls.size() >= kMaxAclEntries) break;
    if (in.inherited()) continue;  // shown from further up; not this channel's to change
    state::AclEntry entry;
    entry.apply_here = in.apply_here();
    entry.apply_subs = in.apply_subs();
    if (in.has_user_id()) {
      if (!plane.accounts().find(in.user_id())) continue;  // unknown accounts are dropped
      entry.user_id = in.user_id();
    } else {
      entry.group = in.group();
    }
    entry.grant = state::Permissions::from_bits(in.grant()) & state::kAllPermissions;
    entry.deny = state::Permissions::from_bits(in.deny()) & state::kAllPermissions;
    acls.push_back(std::move(entry));
  }
  std::vector<state::ChannelGroup> groups;
  for (const auto& in : message.groups()) {
    if (groups.size() >= kMaxAclGroups) break;
    state::ChannelGroup group;
    group.name = in.name();
    group.inherit = in.inherit();
    group.inheritable = in.inheritable();
    for (const auto id : in.add()) {
      if (plane.accounts().find(id)) group.add.insert(id);
    }
    for (const auto id : in.remove()) {
      if (plane.accounts().find(id)) group.remove.insert(id);
    }
    groups.push_back(std::move(group));
  }
  if (!state.set_access(session.id(), channel, message.inherit_acls(), std::move(acls), std::move(groups))) return;
  plane.persistence().save_channel(state, channel);

  MumbleProto::PermissionQuery flush;
  flush.set_flush(true);
  plane.broadcast_message(flush);
  plane.announce_suppression_changes();
  plane.logger().info("session {}: acl of channel {} changed", session.id(), channel);
}

}  // namespace plenum::server::control
