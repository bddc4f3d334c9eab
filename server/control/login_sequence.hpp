// LoginSequence: what the server sends an accepted client, in Murmur's order
// (MUMBLE_PROTOCOL.md §3.3 steps 5-15), and what everyone else learns about the newcomer.
// Control-plane thread; lives for one call.
#pragma once

#include "server/state/user.hpp"

#include <optional>

namespace plenum::server::control {

class ControlPlane;
class Session;

// Fresh UDP keys for the session and the full CryptSetup that hands them to the client (at
// login, and when a late Version changes the UDP format).
void send_new_crypt_keys(Session& session);

class LoginSequence {
 public:
  LoginSequence(ControlPlane& plane, Session& session) noexcept : plane_{plane}, session_{session} {}

  // Admits `user` and sends the sequence; a full server gets Reject ServerFull instead.
  void run(state::ConnectedUser user, std::optional<state::ChannelId> remembered_channel);

 private:
  void send_crypt_setup();
  void send_codec_version();
  void send_channels();
  void send_permission_query(state::ChannelId channel);
  void announce_user();
  void send_other_users();
  void send_server_sync();
  void announce_listeners();
  void send_server_config();

  ControlPlane& plane_;
  Session& session_;
};

}  // namespace plenum::server::control
