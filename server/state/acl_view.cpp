#include "server/state/acl_view.hpp"

#include <algorithm>

namespace plenum::server::state {

namespace {

const Channel* parent_of(const ChannelTree& tree, const Channel& channel) {
  return channel.parent ? tree.find(*channel.parent) : nullptr;
}

}  // namespace

std::optional<FoundGroup> find_group(const ChannelTree& tree, ChannelId channel,
                                     std::string_view name) {
  for (const Channel* at = tree.find(channel); at != nullptr; at = parent_of(tree, *at)) {
    const auto found = at->groups.find(name);
    if (found == at->groups.end()) continue;
    if (at->id != channel && !found->second.inheritable) return std::nullopt;
    return FoundGroup{at->id, &found->second};
  }
  return std::nullopt;
}

std::set<UserId> group_members(const ChannelTree& tree, ChannelId channel, std::string_view name) {
  std::vector<const ChannelGroup*> chain;  // nearest first
  for (const Channel* at = tree.find(channel); at != nullptr; at = parent_of(tree, *at)) {
    const auto found = at->groups.find(name);
    if (found == at->groups.end()) continue;
    if (at->id != channel && !found->second.inheritable) break;
    chain.push_back(&found->second);
    if (!found->second.inherit) break;
  }
  std::set<UserId> members;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    members.insert((*it)->add.begin(), (*it)->add.end());
    for (const UserId removed : (*it)->remove) members.erase(removed);
  }
  return members;
}

std::set<std::string> group_names(const ChannelTree& tree, ChannelId channel) {
  std::set<std::string> names;
  for (const ChannelId step : tree.path_from_root(channel)) {
    for (const auto& [name, group] : tree.find(step)->groups) {
      if (step != channel && !group.inheritable) {
        names.erase(name);
      } else {
        names.insert(name);
      }
    }
  }
  return names;
}

std::optional<AclView> describe_acl(const ChannelTree& tree, ChannelId channel) {
  const Channel* target = tree.find(channel);
  if (target == nullptr) return std::nullopt;
  AclView view;
  view.inherit_acls = target->inherit_acls;

  std::vector<const Channel*> holders;  // the channel, then ancestors while they inherit
  for (const Channel* at = target; at != nullptr;) {
    holders.push_back(at);
    at = (at == target || at->inherit_acls) ? parent_of(tree, *at) : nullptr;
  }
  for (auto it = holders.rbegin(); it != holders.rend(); ++it) {
    const Channel& holder = **it;
    for (const AclEntry& entry : holder.acls) {
      if (&holder != target && !entry.apply_subs) continue;
      view.acls.push_back({entry, &holder != target});
      if (entry.user_id) view.user_ids.insert(*entry.user_id);
    }
  }

  for (const std::string& name : group_names(tree, channel)) {
    GroupView group;
    group.name = name;
    if (const auto own = target->groups.find(name); own != target->groups.end()) {
      group.inherit = own->second.inherit;
      group.inheritable = own->second.inheritable;
      group.add = own->second.add;
      group.remove = own->second.remove;
    }
    if (target->parent) {
      if (const auto above = find_group(tree, *target->parent, name)) {
        group.inherited = above->group->inheritable;
        group.inherited_members = group_members(tree, above->channel, name);
      }
    }
    view.user_ids.insert(group.add.begin(), group.add.end());
    view.user_ids.insert(group.remove.begin(), group.remove.end());
    view.user_ids.insert(group.inherited_members.begin(), group.inherited_members.end());
    view.groups.push_back(std::move(group));
  }
  return view;
}

}  // namespace plenum::server::state
