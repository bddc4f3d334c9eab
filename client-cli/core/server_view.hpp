// ServerView: what the client knows of the server's channels and users, built from
// ChannelState/ChannelRemove/UserState/UserRemove deltas. Owned by the Connection, on its
// executor; the TUI reads it there too.
#pragma once

#include "Mumble.pb.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::client {

inline constexpr std::uint32_t kRootChannel = 0;

struct ChannelEntry {
  std::uint32_t id = 0;
  std::optional<std::uint32_t> parent;  // none for the root
  std::string name;
  std::int32_t position = 0;
};

struct UserEntry {
  std::uint32_t session = 0;
  std::string name;
  std::uint32_t channel_id = kRootChannel;
  bool mute = false;
  bool deaf = false;
  bool suppress = false;
  bool self_mute = false;
  bool self_deaf = false;
};

class ServerView {
 public:
  ServerView();

  void apply(const MumbleProto::ChannelState& state);
  void apply(const MumbleProto::ChannelRemove& remove);
  void apply(const MumbleProto::UserState& state);
  void apply(const MumbleProto::UserRemove& remove);

  // "A/B" walks from the root by child names (exact match first, then case-insensitive);
  // "" is the root. A leading "/" is allowed.
  std::optional<std::uint32_t> find_channel(std::string_view path) const;
  // The inverse, "" for the root.
  std::string channel_path(std::uint32_t id) const;

  // Children sorted as Mumble shows them: by position, then name.
  std::vector<const ChannelEntry*> children(std::uint32_t id) const;
  // Users in a channel, sorted by name.
  std::vector<const UserEntry*> users_in(std::uint32_t channel_id) const;

  const ChannelEntry* channel(std::uint32_t id) const;
  const UserEntry* user(std::uint32_t session) const;
  const std::map<std::uint32_t, ChannelEntry>& channels() const noexcept { return channels_; }
  const std::map<std::uint32_t, UserEntry>& users() const noexcept { return users_; }

  // Our own session, known from ServerSync; 0 before.
  std::uint32_t own_session() const noexcept { return own_session_; }
  void set_own_session(std::uint32_t session) noexcept { own_session_ = session; }
  const UserEntry* own_user() const { return user(own_session_); }

 private:
  std::map<std::uint32_t, ChannelEntry> channels_;
  std::map<std::uint32_t, UserEntry> users_;
  std::uint32_t own_session_ = 0;
};

}  // namespace plenum::client
