// MixUsers: the virtual users whose voice is an engine channel's mix (DESIGN.md §4), one per
// engine channel, shown to clients like any user (UserState) so stock Mumble clients play the mix
// as a speaker. They are not in the ServerState's user registry: no handler can kick, move,
// register or message them, and they count toward no limit. Their comment says who is speaking,
// rate-limited. Owned by the ControlPlane; control-plane thread.
#pragma once

#include "server/audio/engine_frames.hpp"
#include "server/state/ids.hpp"

#include "Mumble.pb.h"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace plenum::server::control {

class MixUsers {
 public:
  using Clock = std::chrono::steady_clock;
  // Stock clients show a comment change as an event; more often than this is noise.
  static constexpr std::chrono::seconds kCommentInterval{2};
  static constexpr std::string_view kName = "Plenary mix";

  struct MixUser {
    state::SessionId session = 0;
    std::vector<state::SessionId> speaking;  // as last announced
    std::vector<state::SessionId> pending;   // the engine's selection, not announced yet
    bool dirty = false;
    Clock::time_point announced{};
  };

  // Changes to send: the new users' full UserState, the gone users' UserRemove.
  struct Changes {
    std::vector<MumbleProto::UserState> added;
    std::vector<MumbleProto::UserRemove> removed;
    std::vector<state::SessionId> released;  // sessions to give back to the registry
  };

  // Makes the set of mix users match `channels` (ascending); `allocate` hands out a session.
  Changes sync(const std::vector<state::ChannelId>& channels,
               const std::function<state::SessionId()>& allocate);

  state::SessionId session_of(state::ChannelId channel) const noexcept;
  bool is_mix_user(state::SessionId session) const noexcept;
  // Every mix user as a newcomer must learn it.
  std::vector<MumbleProto::UserState> all_states(
      const std::function<std::string(state::SessionId)>& name_of) const;

  // The engine's new selection; comments follow at most every kCommentInterval (flush()).
  void on_selection(const audio::SelectionSnapshot& selection);
  // UserStates due now (selection changed and the interval passed).
  std::vector<MumbleProto::UserState> flush(Clock::time_point now,
                                            const std::function<std::string(state::SessionId)>& name_of);

 private:
  MumbleProto::UserState state_of(state::ChannelId channel, const MixUser& user,
                                  const std::function<std::string(state::SessionId)>& name_of) const;

  std::map<state::ChannelId, MixUser> users_;
};

}  // namespace plenum::server::control
