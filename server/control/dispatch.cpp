#include "server/control/dispatch.hpp"

#include "server/control/control_plane.hpp"

#include <type_traits>

namespace plenum::server::control {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Messages only a server sends; a client sending them is ignored, as Murmur does.
template <class M>
constexpr bool kServerOnly =
    std::is_same_v<M, MumbleProto::Reject> || std::is_same_v<M, MumbleProto::ServerSync> ||
    std::is_same_v<M, MumbleProto::PermissionDenied> || std::is_same_v<M, MumbleProto::CodecVersion> ||
    std::is_same_v<M, MumbleProto::ContextActionModify> || std::is_same_v<M, MumbleProto::ServerConfig> ||
    std::is_same_v<M, MumbleProto::SuggestConfig> || std::is_same_v<M, MumbleProto::UDPTunnel>;

}  // namespace

void dispatch(ControlPlane& plane, Session& session, protocol::ControlMessage&& message) {
  if (!session.authenticated()) {
    if (auto* version = std::get_if<MumbleProto::Version>(&message)) {
      handle_version(plane, session, *version);
    } else if (auto* auth = std::get_if<MumbleProto::Authenticate>(&message)) {
      handle_authenticate(plane, session, *auth);
    } else if (auto* ping = std::get_if<MumbleProto::Ping>(&message)) {
      handle_ping(plane, session, *ping);
    }
    return;
  }
  std::visit(Overloaded{
                 [&](const MumbleProto::Version& m) { handle_version(plane, session, m); },
                 [&](const protocol::TunnelPacket& m) { handle_tunnel(plane, session, m); },
                 [&](const MumbleProto::Authenticate& m) { handle_authenticate(plane, session, m); },
                 [&](const MumbleProto::Ping& m) { handle_ping(plane, session, m); },
                 [&](const MumbleProto::ChannelRemove& m) { handle_channel_remove(plane, session, m); },
                 [&](const MumbleProto::ChannelState& m) { handle_channel_state(plane, session, m); },
                 [&](const MumbleProto::UserRemove& m) { handle_user_remove(plane, session, m); },
                 [&](const MumbleProto::UserState& m) { handle_user_state(plane, session, m); },
                 [&](const MumbleProto::BanList& m) { handle_ban_list(plane, session, m); },
                 [&](const MumbleProto::TextMessage& m) { handle_text_message(plane, session, m); },
                 [&](const MumbleProto::ACL& m) { handle_acl(plane, session, m); },
                 [&](const MumbleProto::QueryUsers& m) { handle_query_users(plane, session, m); },
                 [&](const MumbleProto::CryptSetup& m) { handle_crypt_setup(plane, session, m); },
                 [&](const MumbleProto::ContextAction& m) { handle_context_action(plane, session, m); },
                 [&](const MumbleProto::UserList& m) { handle_user_list(plane, session, m); },
                 [&](const MumbleProto::VoiceTarget& m) { handle_voice_target(plane, session, m); },
                 [&](const MumbleProto::PermissionQuery& m) { handle_permission_query(plane, session, m); },
                 [&](const MumbleProto::UserStats& m) { handle_user_stats(plane, session, m); },
                 [&](const MumbleProto::RequestBlob& m) { handle_request_blob(plane, session, m); },
                 [&](const MumbleProto::PluginDataTransmission& m) { handle_plugin_data(plane, session, m); },
                 [&](const auto& m) {
                   static_assert(kServerOnly<std::decay_t<decltype(m)>>, "every client message has a handler");
                 },
             },
             message);
}

}  // namespace plenum::server::control
