// ControlPlane: its side of the audio engine. Each routing change also decides the engine
// channels: their virtual mix users come and go (announced like users), and the engine gets the
// channels' settings. What the engine reports comes back here through on_engine_selection and
// on_engine_notices, posted from the engine thread: mix users' comments (who speaks), Mumble's
// SuggestConfig for push-to-talk, and a one-line notice to a stopped open microphone.
#include "server/audio/audio_plane.hpp"
#include "server/control/control_plane.hpp"
#include "server/voice/engine_routes.hpp"

namespace plenum::server::control {

namespace {

MumbleProto::TextMessage server_text(std::string text) {
  MumbleProto::TextMessage message;
  message.set_message(std::move(text));
  return message;
}

MumbleProto::SuggestConfig push_to_talk(bool on) {
  MumbleProto::SuggestConfig message;
  message.set_push_to_talk(on);
  return message;
}

}  // namespace

voice::EngineContext ControlPlane::engine_context() const {
  voice::EngineContext context;
  context.defaults = config_.plenary;
  context.mix_user_of = [this](state::ChannelId channel) { return mix_users_.session_of(channel); };
  context.floor_of = floor_of_;
  return context;
}

std::string ControlPlane::name_of(state::SessionId session) const {
  const state::ConnectedUser* user = state_.users().find(session);
  return user != nullptr ? user->name : std::string{};
}

void ControlPlane::sync_mix_users() {
  const auto changes = mix_users_.sync(voice::engine_channel_ids(state_, config_.plenary),
                                       [this] { return state_.users().allocate_session(); });
  for (const auto& gone : changes.removed) broadcast_message(gone);
  for (const auto session : changes.released) state_.users().release_session(session);
  for (const auto& added : changes.added) broadcast_message(added);
}

void ControlPlane::send_mix_users(Session& session) {
  for (const auto& message : mix_users_.all_states([this](state::SessionId id) { return name_of(id); }))
    session.send(message);
}

void ControlPlane::on_engine_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) {
  if (!selection) return;
  mix_users_.on_selection(*selection);
  selection_ = std::move(selection);
  announce_mix_speakers();
}

void ControlPlane::announce_mix_speakers() {
  const auto due = mix_users_.flush(MixUsers::Clock::now(),
                                    [this](state::SessionId id) { return name_of(id); });
  for (const auto& message : due) broadcast_message(message);
}

void ControlPlane::on_engine_notices(const std::vector<audio::EngineNotice>& notices) {
  for (const auto& notice : notices) {
    switch (notice.kind) {
      case audio::EngineNotice::Kind::OpenMicrophone:
        if (Session* session = find_session(notice.session)) {
          session->send(server_text(
              "Your microphone has been open for a while without speech, so the room no longer "
              "hears it. Stop transmitting (or use push-to-talk) and you are heard again."));
        }
        break;
      case audio::EngineNotice::Kind::PushToTalkOn:
      case audio::EngineNotice::Kind::PushToTalkOff: {
        const bool on = notice.kind == audio::EngineNotice::Kind::PushToTalkOn;
        const auto frame = protocol::encode_frame(push_to_talk(on));
        for (const auto member : state_.users().in_channel(notice.channel)) send_to(member, frame);
        logger_.info("channel {}: push-to-talk {}", notice.channel, on ? "suggested" : "lifted");
        break;
      }
    }
  }
}

void ControlPlane::suggest_channel_config(Session& session, state::ChannelId channel) {
  if (!selection_) return;
  const audio::ChannelSelection* chosen = selection_->find(channel);
  if (chosen != nullptr && chosen->push_to_talk) session.send(push_to_talk(true));
}

}  // namespace plenum::server::control
