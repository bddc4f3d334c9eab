// Who may create, change, remove a channel or edit its ACL: Murmur master's msgChannelState,
// msgChannelRemove and msgACL checks as pure decisions over a ServerState, and the matching
// change. Run on the control-plane thread; the control plane turns verdicts into messages.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/server_state.hpp"
#include "server/state/verdict.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plenum::server::state {

// A client's ChannelState, as far as the rules look at it (links is ignored, as in Murmur).
struct ChannelStateRequest {
  std::optional<ChannelId> channel;  // absent: create a channel
  std::optional<ChannelId> parent;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::int32_t> position;
  std::optional<std::uint32_t> max_users;
  bool temporary = false;
  std::vector<ChannelId> links_add;
  std::vector<ChannelId> links_remove;
};

// Creating needs MakeChannel (MakeTempChannel) in the parent, a certificate or account, a
// non-temporary parent, a valid name unique among its siblings, and room within the nesting
// and count limits. Changing needs Write in the channel (renaming never the root); moving also
// needs MakeChannel (MakeTempChannel) in the new parent; linking needs LinkChannel in both
// channels to add and in this one to remove. Unknown ids and moves to the same parent or below
// itself are ignored without an answer.
Verdict check_channel_state(const ServerState& state, SessionId actor,
                            const ChannelStateRequest& request);

// Applies an allowed request: creates the channel (ServerState::create_channel) or changes it.
// Returns the channel's id. With allowhtml=false the caller stores the filtered description
// check_text() gives, as Murmur does.
Result<ChannelId> apply_channel_state(ServerState& state, SessionId actor,
                                      const ChannelStateRequest& request);

// ChannelRemove: Write in the channel, never the root.
Verdict check_channel_remove(const ServerState& state, SessionId actor, ChannelId channel);

// ACL query or edit: Write in the channel, or Write at the root (so that channel owners cannot
// lock the server's admins out of their channels).
Verdict check_acl_access(const ServerState& state, SessionId actor, ChannelId channel);

}  // namespace plenum::server::state
