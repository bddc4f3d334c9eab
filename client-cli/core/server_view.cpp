#include "client-cli/core/server_view.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace plenum::client {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

ServerView::ServerView() {
  // Mumble clients create the root before any message names it (MUMBLE_PROTOCOL.md §2.8).
  channels_[kRootChannel] = ChannelEntry{kRootChannel, std::nullopt, "Root", 0};
}

void ServerView::apply(const MumbleProto::ChannelState& state) {
  if (!state.has_channel_id()) {
    return;
  }
  auto it = channels_.find(state.channel_id());
  if (it == channels_.end()) {
    // As Mumble's clients do: a new channel needs a known parent and a name.
    if (!state.has_parent() || !state.has_name() || !channels_.contains(state.parent())) {
      return;
    }
    it = channels_.emplace(state.channel_id(), ChannelEntry{state.channel_id(), {}, {}, 0}).first;
  }
  ChannelEntry& entry = it->second;
  if (state.has_parent() && entry.id != kRootChannel && state.parent() != entry.id &&
      channels_.contains(state.parent())) {
    entry.parent = state.parent();
  }
  if (state.has_name()) {
    entry.name = state.name();
  }
  if (state.has_position()) {
    entry.position = state.position();
  }
}

void ServerView::apply(const MumbleProto::ChannelRemove& remove) {
  if (remove.channel_id() != kRootChannel) {
    channels_.erase(remove.channel_id());
  }
}

void ServerView::apply(const MumbleProto::UserState& state) {
  if (!state.has_session()) {
    return;
  }
  auto it = users_.find(state.session());
  if (it == users_.end()) {
    if (!state.has_name()) {
      return;  // clients ignore unknown sessions without a name (§2.10)
    }
    it = users_.emplace(state.session(), UserEntry{}).first;
    it->second.session = state.session();
  }
  UserEntry& user = it->second;
  if (state.has_name()) {
    user.name = state.name();
  }
  if (state.has_channel_id()) {
    user.channel_id = state.channel_id();
  }
  if (state.has_mute()) {
    user.mute = state.mute();
  }
  if (state.has_deaf()) {
    user.deaf = state.deaf();
  }
  if (state.has_suppress()) {
    user.suppress = state.suppress();
  }
  if (state.has_self_mute()) {
    user.self_mute = state.self_mute();
  }
  if (state.has_self_deaf()) {
    user.self_deaf = state.self_deaf();
  }
}

void ServerView::apply(const MumbleProto::UserRemove& remove) { users_.erase(remove.session()); }

std::optional<std::uint32_t> ServerView::find_channel(std::string_view path) const {
  std::uint32_t current = kRootChannel;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view name = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (name.empty()) {
      continue;
    }
    const auto kids = children(current);
    auto match = std::find_if(kids.begin(), kids.end(),
                              [&](const ChannelEntry* c) { return c->name == name; });
    if (match == kids.end()) {
      match = std::find_if(kids.begin(), kids.end(), [&](const ChannelEntry* c) {
        return equal_ignoring_case(c->name, name);
      });
    }
    if (match == kids.end()) {
      return std::nullopt;
    }
    current = (*match)->id;
  }
  return current;
}

std::string ServerView::channel_path(std::uint32_t id) const {
  std::string path;
  const ChannelEntry* entry = channel(id);
  // Bounded walk: a malicious parent cycle cannot loop forever.
  for (std::size_t depth = 0; entry != nullptr && entry->parent && depth < channels_.size();
       ++depth) {
    path = path.empty() ? entry->name : entry->name + "/" + path;
    entry = channel(*entry->parent);
  }
  return path;
}

std::vector<const ChannelEntry*> ServerView::children(std::uint32_t id) const {
  std::vector<const ChannelEntry*> out;
  for (const auto& [child_id, entry] : channels_) {
    if (entry.parent == id) {
      out.push_back(&entry);
    }
  }
  std::sort(out.begin(), out.end(), [](const ChannelEntry* a, const ChannelEntry* b) {
    return std::tie(a->position, a->name, a->id) < std::tie(b->position, b->name, b->id);
  });
  return out;
}

std::vector<const UserEntry*> ServerView::users_in(std::uint32_t channel_id) const {
  std::vector<const UserEntry*> out;
  for (const auto& [session, user] : users_) {
    if (user.channel_id == channel_id) {
      out.push_back(&user);
    }
  }
  std::sort(out.begin(), out.end(), [](const UserEntry* a, const UserEntry* b) {
    return std::tie(a->name, a->session) < std::tie(b->name, b->session);
  });
  return out;
}

const ChannelEntry* ServerView::channel(std::uint32_t id) const {
  const auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : &it->second;
}

const UserEntry* ServerView::user(std::uint32_t session) const {
  const auto it = users_.find(session);
  return it == users_.end() ? nullptr : &it->second;
}

}  // namespace plenum::client
