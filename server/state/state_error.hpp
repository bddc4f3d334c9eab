// Why a structural change to the server state (control-plane thread) was refused: an id that
// does not exist, a move that would make a cycle... These are caller mistakes or bad stored
// data, not permission denials (those are Verdicts, see verdict.hpp).
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace plenum::server::state {

enum class StateError {
  UnknownChannel = 1,   // no channel with that id
  UnknownParent,        // the parent named by a new or loaded channel does not exist
  DuplicateChannelId,   // a channel with that id exists already
  RootImmutable,        // the root channel cannot be removed, moved or given a parent
  WouldCycle,           // moving a channel below itself
  SelfLink,             // linking a channel to itself
  ChannelIdsExhausted,  // every 32-bit channel id is taken
  UnknownSession,       // no connected user with that session
  SessionNotAllocated,  // a user added with a session that allocate_session() did not hand out
  DuplicateSession,     // a user with that session exists already
};

const boost::system::error_category& state_error_category() noexcept;

inline boost::system::error_code make_error_code(StateError e) noexcept {
  return {static_cast<int>(e), state_error_category()};
}

}  // namespace plenum::server::state

template <>
struct boost::system::is_error_code_enum<plenum::server::state::StateError> : std::true_type {};
