#include "server/state/channel_tree.hpp"

#include "server/state/state_error.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <utility>

namespace plenum::server::state {

ChannelTree::ChannelTree(std::string root_name) {
  Channel root;
  root.id = kRootChannel;
  root.name = std::move(root_name);
  root.inherit_acls = false;  // nothing above it to inherit from; Murmur's ACL dialog shows it unticked
  channels_.emplace(kRootChannel, std::move(root));
}

Result<ChannelTree> ChannelTree::from_channels(std::vector<Channel> channels,
                                               std::string root_name) {
  ChannelTree tree{std::move(root_name)};
  std::map<ChannelId, Channel> pending;
  for (Channel& channel : channels) {
    const ChannelId id = channel.id;
    if (!pending.emplace(id, std::move(channel)).second) return StateError::DuplicateChannelId;
  }
  std::vector<std::pair<ChannelId, std::set<ChannelId>>> links;
  if (auto stored_root = pending.find(kRootChannel); stored_root != pending.end()) {
    Channel& root = tree.channels_.at(kRootChannel);
    Channel& stored = stored_root->second;
    root.description = std::move(stored.description);
    root.position = stored.position;
    root.max_users = stored.max_users;
    root.inherit_acls = stored.inherit_acls;
    root.acls = std::move(stored.acls);
    root.groups = std::move(stored.groups);
    links.emplace_back(kRootChannel, std::move(stored.links));
    pending.erase(stored_root);
  }
  // Insert every channel whose parent is present, until nothing moves; what is left has no
  // path to the root (a missing parent or a cycle).
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      Channel& channel = it->second;
      if (!channel.parent || !tree.contains(*channel.parent)) {
        ++it;
        continue;
      }
      links.emplace_back(channel.id, std::move(channel.links));
      channel.links.clear();
      channel.children.clear();
      const ChannelId id = channel.id;
      const ChannelId parent = *channel.parent;
      tree.channels_.emplace(id, std::move(channel));
      tree.attach(tree.channels_.at(parent), id);
      it = pending.erase(it);
      progress = true;
    }
  }
  if (!pending.empty()) return StateError::UnknownParent;
  for (const auto& [id, targets] : links) {
    for (const ChannelId target : targets) {
      if (target != id && tree.contains(target)) (void)tree.link(id, target);
    }
  }
  return tree;
}

const Channel& ChannelTree::root() const noexcept { return channels_.at(kRootChannel); }

const Channel* ChannelTree::find(ChannelId id) const noexcept {
  const auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : &it->second;
}

Channel* ChannelTree::find_mutable(ChannelId id) noexcept {
  const auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : &it->second;
}

Result<ChannelId> ChannelTree::free_id() const {
  ChannelId candidate = 0;
  for (const auto& [id, channel] : channels_) {
    if (id != candidate) return candidate;
    if (candidate == std::numeric_limits<ChannelId>::max()) return StateError::ChannelIdsExhausted;
    ++candidate;
  }
  return candidate;
}

void ChannelTree::attach(Channel& parent, ChannelId child) {
  auto& children = parent.children;
  children.insert(std::lower_bound(children.begin(), children.end(), child), child);
}

void ChannelTree::detach(Channel& parent, ChannelId child) {
  std::erase(parent.children, child);
}

Result<ChannelId> ChannelTree::create(ChannelId parent, NewChannel spec) {
  Channel* parent_channel = find_mutable(parent);
  if (parent_channel == nullptr) return StateError::UnknownParent;
  ChannelId id = 0;
  if (spec.id) {
    if (contains(*spec.id)) return StateError::DuplicateChannelId;
    id = *spec.id;
  } else {
    auto free = free_id();
    if (!free) return free.error();
    id = *free;
  }
  Channel channel;
  channel.id = id;
  channel.parent = parent;
  channel.name = std::move(spec.name);
  channel.description = std::move(spec.description);
  channel.position = spec.position;
  channel.max_users = spec.max_users;
  channel.temporary = spec.temporary;
  channels_.emplace(id, std::move(channel));
  attach(*parent_channel, id);
  changed();
  return id;
}

Result<std::vector<ChannelId>> ChannelTree::remove(ChannelId id) {
  const Channel* channel = find(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  if (!channel->parent) return StateError::RootImmutable;
  std::vector<ChannelId> removed = descendants(id);
  removed.insert(removed.begin(), id);
  std::reverse(removed.begin(), removed.end());  // every channel after all of its descendants
  for (const ChannelId gone : removed) {
    for (const ChannelId partner : channels_.at(gone).links) {
      channels_.at(partner).links.erase(gone);
    }
  }
  detach(channels_.at(*channel->parent), id);
  for (const ChannelId gone : removed) channels_.erase(gone);
  changed();
  return removed;
}

Result<void> ChannelTree::rename(ChannelId id, std::string name) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->name = std::move(name);
  changed();
  return {};
}

Result<void> ChannelTree::move(ChannelId id, ChannelId new_parent) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  if (!channel->parent) return StateError::RootImmutable;
  Channel* parent = find_mutable(new_parent);
  if (parent == nullptr) return StateError::UnknownParent;
  if (is_in_subtree(id, new_parent)) return StateError::WouldCycle;
  if (*channel->parent == new_parent) return {};
  detach(channels_.at(*channel->parent), id);
  attach(*parent, id);
  channel->parent = new_parent;
  changed();
  return {};
}

Result<void> ChannelTree::link(ChannelId a, ChannelId b) {
  if (a == b) return StateError::SelfLink;
  Channel* first = find_mutable(a);
  Channel* second = find_mutable(b);
  if (first == nullptr || second == nullptr) return StateError::UnknownChannel;
  first->links.insert(b);
  second->links.insert(a);
  changed();
  return {};
}

Result<void> ChannelTree::unlink(ChannelId a, ChannelId b) {
  Channel* first = find_mutable(a);
  Channel* second = find_mutable(b);
  if (first == nullptr || second == nullptr) return StateError::UnknownChannel;
  first->links.erase(b);
  second->links.erase(a);
  changed();
  return {};
}

Result<void> ChannelTree::set_description(ChannelId id, std::string description) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->description = std::move(description);
  changed();
  return {};
}

Result<void> ChannelTree::set_position(ChannelId id, std::int32_t position) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->position = position;
  changed();
  return {};
}

Result<void> ChannelTree::set_max_users(ChannelId id, std::uint32_t max_users) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->max_users = max_users;
  changed();
  return {};
}

Result<void> ChannelTree::set_plenary(ChannelId id, PlenarySettings settings) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->plenary = settings;
  return {};
}

Result<void> ChannelTree::set_access(ChannelId id, bool inherit_acls, std::vector<AclEntry> acls,
                                     std::vector<ChannelGroup> groups) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  std::map<std::string, ChannelGroup, std::less<>> replaced;
  for (ChannelGroup& group : groups) {
    if (const auto old = channel->groups.find(group.name); old != channel->groups.end()) {
      group.temporary = old->second.temporary;
    }
    std::string name = group.name;
    replaced.insert_or_assign(std::move(name), std::move(group));
  }
  channel->inherit_acls = inherit_acls;
  channel->acls = std::move(acls);
  channel->groups = std::move(replaced);
  changed();
  return {};
}

Result<void> ChannelTree::add_acl(ChannelId id, AclEntry entry) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  channel->acls.push_back(std::move(entry));
  changed();
  return {};
}

Result<void> ChannelTree::add_group_member(ChannelId id, std::string_view group, UserId user) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  auto it = channel->groups.find(group);
  if (it == channel->groups.end()) {
    ChannelGroup created;
    created.name = std::string{group};
    it = channel->groups.emplace(created.name, std::move(created)).first;
  }
  it->second.add.insert(user);
  changed();
  return {};
}

Result<void> ChannelTree::set_temporary_member(ChannelId id, std::string_view group,
                                               SessionId session, bool member) {
  Channel* channel = find_mutable(id);
  if (channel == nullptr) return StateError::UnknownChannel;
  auto it = channel->groups.find(group);
  if (it == channel->groups.end()) {
    if (!member) return {};
    ChannelGroup created;
    created.name = std::string{group};
    it = channel->groups.emplace(created.name, std::move(created)).first;
  }
  if (member) {
    it->second.temporary.insert(session);
  } else {
    it->second.temporary.erase(session);
  }
  changed();
  return {};
}

void ChannelTree::forget_session(SessionId session) {
  bool any = false;
  for (auto& [id, channel] : channels_) {
    for (auto& [name, group] : channel.groups) any = group.temporary.erase(session) > 0 || any;
  }
  if (any) changed();
}

void ChannelTree::forget_user(UserId user) {
  bool any = false;
  for (auto& [id, channel] : channels_) {
    any = std::erase_if(channel.acls, [user](const AclEntry& e) { return e.user_id == user; }) >
              0 ||
          any;
    for (auto& [name, group] : channel.groups) {
      any = group.add.erase(user) > 0 || any;
      any = group.remove.erase(user) > 0 || any;
    }
  }
  if (any) changed();
}

std::vector<ChannelId> ChannelTree::breadth_first() const {
  std::vector<ChannelId> order = descendants(kRootChannel);
  order.insert(order.begin(), kRootChannel);
  return order;
}

std::vector<ChannelId> ChannelTree::descendants(ChannelId id) const {
  std::vector<ChannelId> out;
  const Channel* start = find(id);
  if (start == nullptr) return out;
  out.insert(out.end(), start->children.begin(), start->children.end());
  for (std::size_t next = 0; next < out.size(); ++next) {
    const auto& children = channels_.at(out[next]).children;
    out.insert(out.end(), children.begin(), children.end());
  }
  return out;
}

std::vector<ChannelId> ChannelTree::path_from_root(ChannelId id) const {
  std::vector<ChannelId> path;
  for (const Channel* channel = find(id); channel != nullptr;
       channel = channel->parent ? find(*channel->parent) : nullptr) {
    path.push_back(channel->id);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::set<ChannelId> ChannelTree::all_links(ChannelId id) const {
  std::set<ChannelId> seen;
  if (!contains(id)) return seen;
  seen.insert(id);
  std::vector<ChannelId> stack{id};
  while (!stack.empty()) {
    const ChannelId current = stack.back();
    stack.pop_back();
    for (const ChannelId linked : channels_.at(current).links) {
      if (seen.insert(linked).second) stack.push_back(linked);
    }
  }
  return seen;
}

std::size_t ChannelTree::level(ChannelId id) const {
  const std::size_t length = path_from_root(id).size();
  return length == 0 ? 0 : length - 1;
}

std::size_t ChannelTree::subtree_height(ChannelId id) const {
  std::size_t height = 0;
  const std::size_t base = level(id);
  for (const ChannelId below : descendants(id)) height = std::max(height, level(below) - base);
  return height;
}

bool ChannelTree::is_in_subtree(ChannelId top, ChannelId id) const {
  const std::vector<ChannelId> path = path_from_root(id);
  return std::find(path.begin(), path.end(), top) != path.end();
}

bool ChannelTree::can_nest(ChannelId new_parent, std::optional<ChannelId> moving,
                           std::uint32_t limit) const {
  const std::size_t height = moving ? subtree_height(*moving) : 0;
  return level(new_parent) + height < limit;
}

const Channel* ChannelTree::find_child(ChannelId parent, std::string_view name) const {
  const Channel* channel = find(parent);
  if (channel == nullptr) return nullptr;
  for (const ChannelId child : channel->children) {
    const Channel& candidate = channels_.at(child);
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

std::optional<ChannelId> ChannelTree::find_path(std::string_view path, ChannelId from) const {
  std::vector<std::string> segments;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.emplace_back(segment);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return find_path(segments, from);
}

std::optional<ChannelId> ChannelTree::find_path(std::span<const std::string> segments,
                                                ChannelId from) const {
  if (!contains(from)) return std::nullopt;
  ChannelId current = from;
  for (const std::string& segment : segments) {
    if (segment.empty()) continue;
    const Channel* child = find_child(current, segment);
    if (child == nullptr) return std::nullopt;
    current = child->id;
  }
  return current;
}

std::string ChannelTree::path_of(ChannelId id) const {
  std::string out;
  for (const ChannelId step : path_from_root(id)) {
    if (step == kRootChannel) continue;
    if (!out.empty()) out += '/';
    out += channels_.at(step).name;
  }
  return out;
}

}  // namespace plenum::server::state
