#include "server/state/acl.hpp"

#include "server/state/name_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace plenum::server::state {

namespace {

// Qt's QString::toInt as Murmur uses it: an argument that is not a number counts as 0.
std::int64_t to_int(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return (ec == std::errc{} && end == text.data() + text.size()) ? value : 0;
}

// `sub,offset,min,max` (before any `!`).
bool sub_applies(const ChannelTree& tree, ChannelId current, ChannelId context,
                 std::string_view args, const AclSubject& subject) {
  std::int64_t offset = 0;
  std::int64_t min_levels = 1;
  std::int64_t max_levels = 1000;
  std::int64_t* const slots[] = {&offset, &min_levels, &max_levels};
  for (std::size_t index = 0; index < 3 && !args.empty(); ++index) {
    const std::size_t comma = args.find(',');
    const std::string_view arg = args.substr(0, comma);
    if (!arg.empty()) *slots[index] = to_int(arg);
    args = comma == std::string_view::npos ? std::string_view{} : args.substr(comma + 1);
  }
  const std::vector<ChannelId> home = tree.path_from_root(subject.channel);
  const std::vector<ChannelId> chain = tree.path_from_root(current);
  const auto context_at = std::find(chain.begin(), chain.end(), context);
  if (home.empty() || context_at == chain.end()) return false;
  std::int64_t index = (context_at - chain.begin()) + offset;
  if (index >= static_cast<std::int64_t>(chain.size())) return false;
  index = std::max<std::int64_t>(index, 0);
  const ChannelId needed = chain[static_cast<std::size_t>(index)];
  if (std::find(home.begin(), home.end(), needed) == home.end()) return false;
  const auto depth = static_cast<std::int64_t>(home.size()) - 1;
  return depth >= index + min_levels && depth <= index + max_levels;
}

bool in_user_group(const ChannelTree& tree, ChannelId context, std::string_view name,
                   const AclSubject& subject) {
  std::vector<const ChannelGroup*> chain;  // nearest first
  for (const Channel* channel = tree.find(context); channel != nullptr;
       channel = channel->parent ? tree.find(*channel->parent) : nullptr) {
    const auto found = channel->groups.find(name);
    if (found == channel->groups.end()) continue;
    const ChannelGroup& group = found->second;
    if (channel->id != context && !group.inheritable) break;
    chain.push_back(&group);
    if (!group.inherit) break;
  }
  bool member = false;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const ChannelGroup& group = **it;
    const bool added = subject.user_id && group.add.contains(*subject.user_id);
    if (added || group.temporary.contains(subject.session)) member = true;
    if (subject.user_id && group.remove.contains(*subject.user_id)) member = false;
  }
  return member;
}

}  // namespace

bool group_applies(const ChannelTree& tree, ChannelId current, ChannelId acl_channel,
                   std::string_view spec, const AclSubject& subject) {
  bool invert = false;
  bool token = false;
  bool hash = false;
  ChannelId context = current;
  for (bool prefix = true; prefix && !spec.empty();) {
    switch (spec.front()) {
      case '!': invert = true; break;
      case '~': context = acl_channel; break;
      case '#': token = true; break;
      case '$': hash = true; break;
      default: prefix = false; continue;
    }
    spec.remove_prefix(1);
  }
  if (spec.empty()) return false;  // even when negated, as in Murmur

  bool matches = false;
  if (token) {
    matches = std::any_of(subject.tokens.begin(), subject.tokens.end(),
                          [spec](const std::string& t) { return equal_ignoring_case(t, spec); });
  } else if (hash) {
    matches = subject.cert_hash == spec;
  } else if (spec == "none") {
    matches = false;
  } else if (spec == "all") {
    matches = true;
  } else if (spec == "auth") {
    matches = subject.user_id.has_value();
  } else if (spec == "strong") {
    matches = subject.strong_certificate;
  } else if (spec == "in") {
    matches = subject.channel == context;
  } else if (spec == "out") {
    matches = subject.channel != context;
  } else if (spec == "sub" || spec.starts_with("sub,")) {
    matches = sub_applies(tree, current, context, spec.substr(spec.size() > 3 ? 4 : 3), subject);
  } else {
    matches = in_user_group(tree, context, spec, subject);
  }
  return matches != invert;
}

Permissions effective_permissions(const ChannelTree& tree, const AclSubject& subject,
                                  ChannelId channel) {
  if (subject.user_id == kSuperUserId) return kSuperUserPermissions;
  const std::vector<ChannelId> path = tree.path_from_root(channel);
  if (path.empty()) return {};

  Permissions granted = kBaselinePermissions;
  bool traverse = true;
  bool write = false;
  for (const ChannelId step : path) {
    const Channel& holder = *tree.find(step);
    if (!holder.inherit_acls) granted = kBaselinePermissions;
    for (const AclEntry& entry : holder.acls) {
      const bool names_user = entry.user_id && entry.user_id == subject.user_id;
      if (!names_user && !group_applies(tree, channel, step, entry.group, subject)) continue;
      const bool here = step == channel && entry.apply_here;
      const bool inherited = step != channel && entry.apply_subs;
      // Master: a Traverse denial on an ancestor blocks everything below it even when the entry
      // applies to that ancestor only.
      if (inherited || entry.apply_here) {
        if (entry.grant.has(Permission::Traverse)) traverse = true;
        if (entry.deny.has(Permission::Traverse)) traverse = false;
      }
      if (here || inherited) {
        if (entry.grant.has(Permission::Write)) write = true;
        if (entry.deny.has(Permission::Write)) write = false;
      }
      if (here && step == kRootChannel) granted |= entry.grant & kRootOnlyPermissions;
      if (here || inherited) {
        granted |= entry.grant.without(kRootOnlyPermissions | Permission::Cached);
        granted = granted.without(entry.deny);
      }
    }
    if (!traverse && !write) return {};
  }
  if (granted.has(Permission::Write)) {
    granted |= kImpliedByWrite;
    if (channel == kRootChannel) granted |= kRootOnlyPermissions;
  }
  return granted;
}

std::vector<AclEntry> default_root_acls() {
  AclEntry admin;
  admin.group = "admin";
  admin.grant = Permission::Write;
  AclEntry auth;
  auth.group = "auth";
  auth.grant = Permission::MakeTempChannel;
  AclEntry all;
  all.apply_subs = false;
  all.group = "all";
  all.grant = Permission::SelfRegister;
  return {admin, auth, all};
}

std::vector<ChannelGroup> default_root_groups() {
  ChannelGroup admin;
  admin.name = "admin";
  return {admin};
}

}  // namespace plenum::server::state
