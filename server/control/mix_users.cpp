#include "server/control/mix_users.hpp"

#include "protocol/html_escape.hpp"

#include <algorithm>

namespace plenum::server::control {

MixUsers::Changes MixUsers::sync(const std::vector<state::ChannelId>& channels,
                                 const std::function<state::SessionId()>& allocate) {
  Changes changes;
  for (auto it = users_.begin(); it != users_.end();) {
    if (std::binary_search(channels.begin(), channels.end(), it->first)) {
      ++it;
      continue;
    }
    MumbleProto::UserRemove gone;
    gone.set_session(it->second.session);
    changes.removed.push_back(gone);
    changes.released.push_back(it->second.session);
    it = users_.erase(it);
  }
  for (const state::ChannelId channel : channels) {
    if (users_.contains(channel)) continue;
    MixUser& user = users_[channel];
    user.session = allocate();
    changes.added.push_back(state_of(channel, user, {}));
  }
  return changes;
}

state::SessionId MixUsers::session_of(state::ChannelId channel) const noexcept {
  const auto it = users_.find(channel);
  return it == users_.end() ? 0 : it->second.session;
}

bool MixUsers::is_mix_user(state::SessionId session) const noexcept {
  return std::any_of(users_.begin(), users_.end(),
                     [session](const auto& entry) { return entry.second.session == session; });
}

std::vector<MumbleProto::UserState> MixUsers::all_states(
    const std::function<std::string(state::SessionId)>& name_of) const {
  std::vector<MumbleProto::UserState> out;
  for (const auto& [channel, user] : users_) out.push_back(state_of(channel, user, name_of));
  return out;
}

void MixUsers::on_selection(const audio::SelectionSnapshot& selection) {
  for (auto& [channel, user] : users_) {
    const audio::ChannelSelection* chosen = selection.find(channel);
    std::vector<state::SessionId> now = chosen != nullptr ? chosen->selected : std::vector<state::SessionId>{};
    if (now == user.pending) continue;
    user.pending = std::move(now);
    user.dirty = user.pending != user.speaking;
  }
}

std::vector<MumbleProto::UserState> MixUsers::flush(
    Clock::time_point now, const std::function<std::string(state::SessionId)>& name_of) {
  std::vector<MumbleProto::UserState> out;
  for (auto& [channel, user] : users_) {
    if (!user.dirty || now - user.announced < kCommentInterval) continue;
    user.dirty = false;
    user.announced = now;
    user.speaking = user.pending;
    MumbleProto::UserState message = state_of(channel, user, name_of);
    message.clear_name();
    message.clear_channel_id();
    out.push_back(std::move(message));
  }
  return out;
}

MumbleProto::UserState MixUsers::state_of(
    state::ChannelId channel, const MixUser& user,
    const std::function<std::string(state::SessionId)>& name_of) const {
  MumbleProto::UserState message;
  message.set_session(user.session);
  message.set_name(std::string{kName});
  message.set_channel_id(channel);
  message.set_plenum_mix_user(true);
  for (const state::SessionId session : user.speaking) message.add_plenum_speaking(session);
  // Stock clients show the comment: who is in the mix, by name (clients see names anyway).
  std::string comment = "Speaking: ";
  bool first = true;
  for (const state::SessionId session : user.speaking) {
    const std::string name = name_of ? name_of(session) : std::string{};
    if (name.empty()) continue;
    comment += (first ? "" : ", ") + protocol::html_escape(name);
    first = false;
  }
  if (first) comment = "Nobody is speaking.";
  message.set_comment(comment);
  return message;
}

}  // namespace plenum::server::control
