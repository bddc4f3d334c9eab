// Who may change a user, move, kick or message whom: Murmur master's msgUserState,
// msgUserRemove and msgTextMessage checks as pure decisions over a ServerState. Run on the
// control-plane thread; the control plane turns verdicts into messages.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/server_state.hpp"
#include "server/state/user.hpp"
#include "server/state/verdict.hpp"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

// A client's UserState, as far as the rules look at it.
struct UserStateRequest {
  std::optional<ChannelId> channel;
  UserFlagsChange flags;
  std::optional<std::string> comment;
  std::optional<std::size_t> texture_size;  // bytes of a texture in the request
  bool sets_name = false;          // clients may never set a name
  bool registers = false;          // user_id present: (self-)registration
  bool plugin_data = false;        // plugin_context or plugin_identity present
  bool changes_listening = false;  // listening_channel_add / _remove present
  bool changes_listener_volume = false;  // listening_volume_adjustment present (1.5+)
};

// The checks of msgUserState in Murmur's order. Acting on SuperUser is SuperUser's alone.
// Moving: see check_move. mute, deaf, suppress and priority_speaker need MuteDeafen in the
// target's channel (in a temporary channel: in its first permanent ancestor), and suppress may
// only be cleared. Someone else's comment or texture may only be cleared, with ResetUserContent
// at the root. Registration needs SelfRegister (Register for others) at the root and a
// certificate. Self-only fields (self_mute, self_deaf, recording, plugin data, listening,
// listener volumes) sent for someone else are ignored; Murmur leaves listener volumes out of
// that rule (msgUserState) and so lets anyone set another user's, which Plenum does not.
// Channel listeners are checked one by one with check_listen.
Verdict check_user_state(const ServerState& state, SessionId actor, SessionId target,
                         const UserStateRequest& request);

// Moving `target` to `destination`: Move in the target's channel when moving someone else, and
// Move (actor) or Enter (target) in the destination, which must have room for the actor.
// Unknown or unchanged destinations are ignored.
Verdict check_move(const ServerState& state, SessionId actor, SessionId target,
                   ChannelId destination);

// Listen in `channel` for listening_channel_add (1.4+; no listener limits).
Verdict check_listen(const ServerState& state, SessionId target, ChannelId channel);

// UserRemove: Kick or Ban at the root (Ban for a ban); nobody kicks SuperUser.
Verdict check_kick(const ServerState& state, SessionId actor, SessionId target, bool ban);

struct TextTargets {
  std::vector<SessionId> sessions;
  std::vector<ChannelId> channels;
  std::vector<ChannelId> trees;  // the channel and every sub-channel the sender may message
};

struct TextDelivery {
  Verdict verdict = Verdict::ignore();
  std::set<SessionId> recipients;          // without the sender; listeners included
  std::optional<std::string> replacement;  // forward this text instead (allowhtml=false)
};

// msgTextMessage: the length rule (check_text), TextMessage in every named channel and tree
// root and in the channel of every named user; unknown channels ignore the whole message,
// unknown sessions are skipped. The rate limiter is the caller's (LeakyBucket).
TextDelivery route_text_message(const ServerState& state, SessionId actor, std::string_view text,
                                const TextTargets& targets);

}  // namespace plenum::server::state
