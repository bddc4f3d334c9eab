// A connected, authenticated user as the server state knows it, and Murmur's rules for changing
// its mute/deaf flags. Owned by the UserRegistry (control-plane thread).
#pragma once

#include "protocol/bytes.hpp"
#include "server/config/server_config.hpp"
#include "server/state/acl.hpp"
#include "server/state/ids.hpp"
#include "server/state/listened_channels.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace plenum::server::state {

struct ConnectedUser {
  SessionId session = 0;
  std::string name;
  std::optional<UserId> user_id;  // registered account
  std::string cert_hash;          // SHA-1 hex of the client certificate; "" = none
  bool strong_certificate = false;
  std::vector<std::string> tokens;  // access tokens from Authenticate
  ChannelId channel = kRootChannel;  // change through ServerState::enter_channel

  bool mute = false;      // by an admin
  bool deaf = false;      // by an admin
  bool suppress = false;  // by the server: no Speak in its channel
  bool self_mute = false;
  bool self_deaf = false;
  bool priority_speaker = false;
  bool recording = false;

  std::string comment;
  protocol::Bytes texture;
  ListenedChannels listening;  // 1.4+ channel listeners, 1.5+ with their volumes
  // `/mode`, the context action or plenum-cli's --mode; unset: the channel's mode applies.
  std::optional<config::ListenerMode> listener_mode;

  std::uint64_t version = 0;  // client version, v2 encoding (protocol/version.hpp); 0 = unknown
  std::string release;
  std::string os;
  std::string os_version;
  bool opus = false;
  bool bot = false;  // Authenticate.client_type 1

  AclSubject acl_subject() const;
  // The voice plane forwards nothing from a user with any of these set (§5).
  bool silenced() const noexcept { return mute || suppress || self_mute; }
  bool hears_nothing() const noexcept { return deaf || self_deaf; }
};

// The speech flags of a UserState request; absent fields stay as they are.
struct UserFlagsChange {
  std::optional<bool> mute;
  std::optional<bool> deaf;
  std::optional<bool> suppress;
  std::optional<bool> self_mute;
  std::optional<bool> self_deaf;
  std::optional<bool> priority_speaker;
  std::optional<bool> recording;

  bool operator==(const UserFlagsChange&) const = default;
};

// Murmur's implications, in its order: deaf => mute, then !mute => !deaf; the same for the self_
// pair. The result is what the server applies and broadcasts ({self_deaf} goes out as
// {self_mute, self_deaf} [observed 1.3.4]).
UserFlagsChange normalised(UserFlagsChange change);

// Applies normalised(change) to the user.
void apply(ConnectedUser& user, const UserFlagsChange& change);

}  // namespace plenum::server::state
