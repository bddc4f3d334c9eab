#include "client-cli/tui/tree_lines.hpp"

namespace plenum::client {
namespace {

constexpr int kMaxDepth = 32;  // a server cannot make us recurse without bound

void add_channel(const ServerView& view, const ChannelEntry& channel, int depth,
                 const std::function<bool(std::uint32_t)>& talking, std::vector<TreeLine>& out) {
  const UserEntry* self = view.own_user();
  TreeLine line;
  line.kind = TreeLine::Kind::Channel;
  line.id = channel.id;
  line.depth = depth;
  line.text = std::string(static_cast<std::size_t>(depth) * 2, ' ') + "# " + channel.name;
  line.own = self != nullptr && self->channel_id == channel.id;
  out.push_back(std::move(line));
  for (const UserEntry* user : view.users_in(channel.id)) {
    TreeLine row;
    row.kind = TreeLine::Kind::User;
    row.id = user->session;
    row.depth = depth + 1;
    row.own = user->session == view.own_session();
    row.text = std::string(static_cast<std::size_t>(depth + 1) * 2, ' ') +
               user_markers(*user, talking(user->session)) + " " + user->name +
               (row.own ? " (you)" : "");
    out.push_back(std::move(row));
  }
  if (depth >= kMaxDepth) {
    return;
  }
  for (const ChannelEntry* child : view.children(channel.id)) {
    add_channel(view, *child, depth + 1, talking, out);
  }
}

}  // namespace

std::string user_markers(const UserEntry& user, bool talking) {
  std::string out = talking ? "[*]" : "[ ]";
  if (user.mute || user.self_mute) {
    out += " M";
  }
  if (user.deaf || user.self_deaf) {
    out += " D";
  }
  if (user.suppress) {
    out += " S";
  }
  return out;
}

std::vector<TreeLine> tree_lines(const ServerView& view,
                                 const std::function<bool(std::uint32_t)>& talking) {
  std::vector<TreeLine> out;
  if (const ChannelEntry* root = view.channel(kRootChannel)) {
    add_channel(view, *root, 0, talking, out);
  }
  return out;
}

}  // namespace plenum::client
