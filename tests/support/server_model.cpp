#include "tests/support/server_model.hpp"

namespace plenum::test {
namespace {

template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

void merge_channel(std::map<std::uint32_t, MumbleProto::ChannelState>& channels,
                   const MumbleProto::ChannelState& delta) {
  if (!delta.has_channel_id()) {
    return;
  }
  MumbleProto::ChannelState& channel = channels[delta.channel_id()];
  // `links` is the full set, not a delta (MUMBLE_PROTOCOL.md §2.8).
  if (delta.links_size() > 0) {
    channel.clear_links();
  }
  channel.MergeFrom(delta);
}

}  // namespace

void ServerModel::apply(const protocol::ControlMessage& message) {
  std::visit(Overloaded{
                 [&](const MumbleProto::Version& m) { server_version = m; },
                 [&](const MumbleProto::CryptSetup& m) {
                   if (m.has_key() && m.has_client_nonce() && m.has_server_nonce()) {
                     crypt_setup = m;
                   }
                 },
                 [&](const MumbleProto::CodecVersion& m) { codec_version = m; },
                 [&](const MumbleProto::ServerSync& m) { server_sync = m; },
                 [&](const MumbleProto::ServerConfig& m) {
                   if (!server_config) {
                     server_config = m;
                   } else {
                     server_config->MergeFrom(m);
                   }
                 },
                 [&](const MumbleProto::Reject& m) { reject = m; },
                 [&](const MumbleProto::ChannelState& m) { merge_channel(channels, m); },
                 [&](const MumbleProto::ChannelRemove& m) { channels.erase(m.channel_id()); },
                 [&](const MumbleProto::UserState& m) {
                   if (m.has_session()) {
                     users[m.session()].MergeFrom(m);
                   }
                 },
                 [&](const MumbleProto::UserRemove& m) { users.erase(m.session()); },
                 [&](const MumbleProto::PermissionQuery& m) {
                   if (m.flush()) {
                     permissions.clear();
                   }
                   if (m.has_channel_id() && m.has_permissions()) {
                     permissions[m.channel_id()] = m.permissions();
                   }
                 },
                 [](const auto&) {},
             },
             message);
}

std::uint32_t ServerModel::session() const {
  return server_sync ? server_sync->session() : 0;
}

const MumbleProto::UserState* ServerModel::user_named(std::string_view name) const {
  for (const auto& [id, state] : users) {
    if (state.name() == name) {
      return &state;
    }
  }
  return nullptr;
}

const MumbleProto::UserState* ServerModel::user(std::uint32_t session_id) const {
  const auto found = users.find(session_id);
  return found == users.end() ? nullptr : &found->second;
}

std::uint32_t ServerModel::channel_of(std::uint32_t session_id) const {
  const MumbleProto::UserState* state = user(session_id);
  return state != nullptr ? state->channel_id() : 0;
}

std::vector<protocol::MessageType> Handshake::types() const {
  std::vector<protocol::MessageType> result;
  result.reserve(transcript.size());
  for (const auto& message : transcript) {
    result.push_back(protocol::type_of(message));
  }
  return result;
}

std::string Handshake::describe() const {
  std::string text;
  for (const auto type : types()) {
    text += (text.empty() ? "" : ", ") + std::string(protocol::to_string(type));
  }
  return text.empty() ? "(nothing)" : text;
}

}  // namespace plenum::test
