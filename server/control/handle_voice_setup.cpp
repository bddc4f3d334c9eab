// Voice-related control messages: CryptSetup resync (§7.6), VoiceTarget registration (§2.19),
// and the UDPTunnel frame (§6).
#include "server/control/control_plane.hpp"
#include "server/control/dispatch.hpp"

#include <algorithm>

namespace plenum::server::control {

void handle_crypt_setup(ControlPlane& plane, Session& session, const MumbleProto::CryptSetup& message) {
  if (!message.has_client_nonce()) {
    // The client lost sync with our stream: tell it the IV we encrypt with.
    plane.on_server_nonce_request(session);
    return;
  }
  if (message.client_nonce().size() != protocol::CryptStateOCB2::kNonceSize) return;
  protocol::CryptStateOCB2::Nonce nonce{};
  std::transform(message.client_nonce().begin(), message.client_nonce().end(), nonce.begin(),
                 [](char c) { return static_cast<std::byte>(c); });
  plane.on_client_nonce(session, nonce);
}

void handle_voice_target(ControlPlane& /*plane*/, Session& session, const MumbleProto::VoiceTarget& message) {
  const auto id = message.id();
  // Ids 1..30 only: 0 is normal talking and 31 the loopback (§4.3).
  if (id < 1 || id > 30) return;
  if (message.targets_size() == 0) {
    session.voice_targets.erase(id);
  } else {
    session.voice_targets[id] = message;
  }
}

void handle_tunnel(ControlPlane& plane, Session& session, const protocol::TunnelPacket& message) {
  // Murmur ignores tunnel payloads outside 2..1024 bytes (§1.2).
  if (message.packet.size() < 2 || message.packet.size() > 1024) return;
  plane.on_tunnel_voice(session, message.packet);
}

void handle_plugin_data(ControlPlane& plane, Session& session, const MumbleProto::PluginDataTransmission& message) {
  // §2.25: bounded size, the server names the sender, each receiver gets it once.
  if (message.data().size() > 1000 || message.dataid().size() > 100) return;
  if (!session.allow_plugin_message()) return;
  MumbleProto::PluginDataTransmission forwarded;
  forwarded.set_sendersession(session.id());
  forwarded.set_data(message.data());
  forwarded.set_dataid(message.dataid());
  const auto frame = protocol::encode_frame(forwarded);
  std::set<std::uint32_t> receivers(message.receiversessions().begin(), message.receiversessions().end());
  receivers.erase(session.id());
  for (const auto receiver : receivers) plane.send_to(receiver, frame);
}

void handle_context_action(ControlPlane& plane, Session& session, const MumbleProto::ContextAction& message) {
  plane.on_context_action(session, message);
}

}  // namespace plenum::server::control
