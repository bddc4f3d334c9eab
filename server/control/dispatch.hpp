// The control plane's message handlers, one file per topic (handle_<topic>.cpp), and the one
// place that routes a decoded ControlMessage to them. Control-plane thread.
#pragma once

#include "protocol/control_message.hpp"

namespace plenum::server::control {

class ControlPlane;
class Session;

// Routes one message. Before login only Version, Authenticate and Ping are acted on; Murmur
// ignores everything else there too.
void dispatch(ControlPlane& plane, Session& session, protocol::ControlMessage&& message);

// Lifecycle events that several handlers share.
void send_server_version(ControlPlane& plane, Session& session);

// handle_version.cpp, handle_authenticate.cpp, handle_ping.cpp ...
void handle_version(ControlPlane&, Session&, const MumbleProto::Version&);
void handle_authenticate(ControlPlane&, Session&, const MumbleProto::Authenticate&);
void handle_ping(ControlPlane&, Session&, const MumbleProto::Ping&);
void handle_channel_state(ControlPlane&, Session&, const MumbleProto::ChannelState&);
void handle_channel_remove(ControlPlane&, Session&, const MumbleProto::ChannelRemove&);
void handle_user_state(ControlPlane&, Session&, const MumbleProto::UserState&);
void handle_user_remove(ControlPlane&, Session&, const MumbleProto::UserRemove&);
void handle_text_message(ControlPlane&, Session&, const MumbleProto::TextMessage&);
void handle_acl(ControlPlane&, Session&, const MumbleProto::ACL&);
void handle_ban_list(ControlPlane&, Session&, const MumbleProto::BanList&);
void handle_query_users(ControlPlane&, Session&, const MumbleProto::QueryUsers&);
void handle_user_list(ControlPlane&, Session&, const MumbleProto::UserList&);
void handle_permission_query(ControlPlane&, Session&, const MumbleProto::PermissionQuery&);
void handle_user_stats(ControlPlane&, Session&, const MumbleProto::UserStats&);
void handle_request_blob(ControlPlane&, Session&, const MumbleProto::RequestBlob&);
void handle_crypt_setup(ControlPlane&, Session&, const MumbleProto::CryptSetup&);
void handle_voice_target(ControlPlane&, Session&, const MumbleProto::VoiceTarget&);
void handle_context_action(ControlPlane&, Session&, const MumbleProto::ContextAction&);
void handle_plugin_data(ControlPlane&, Session&, const MumbleProto::PluginDataTransmission&);
void handle_tunnel(ControlPlane&, Session&, const protocol::TunnelPacket&);

}  // namespace plenum::server::control
