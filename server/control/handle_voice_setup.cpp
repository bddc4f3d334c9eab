// Voice-related control messages: CryptSetup resync (§7.6), VoiceTarget registration (§2.19),
// and the UDPTunnel frame (§6).
#include "server/control/control_plane.hpp"
#include "server/control/dispatch.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

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

namespace {

// What one VoiceTarget may hold. Mumble's client sends one entry per whisper shortcut held at
// once and the sessions a shortcut lists; Murmur has no limit, and one message of a million
// sessions used to make every later routing change cost seconds (issue 12, defect 2).
constexpr int kMaxTargetEntries = 32;
constexpr std::size_t kMaxGroupNameBytes = 256;

// The target as it will be resolved: duplicate entries and sessions collapsed, sessions that
// are not (and cannot become) users dropped, at most kMaxTargetEntries entries and `max_sessions`
// sessions in all. Session ids are not reused for ~4 billion connections (UserRegistry), so a
// session not allocated now never will be.
MumbleProto::VoiceTarget normalised(ControlPlane& plane, const MumbleProto::VoiceTarget& message,
                                    std::size_t max_sessions) {
  MumbleProto::VoiceTarget out;
  out.set_id(message.id());
  std::set<std::tuple<std::uint32_t, bool, bool, std::string>> channels;
  std::set<std::uint32_t> sessions;
  for (const auto& entry : message.targets()) {
    if (out.targets_size() >= kMaxTargetEntries) break;
    if (entry.has_channel_id()) {
      if (entry.group().size() > kMaxGroupNameBytes) continue;
      if (!channels.emplace(entry.channel_id(), entry.links(), entry.children(), entry.group()).second) continue;
      auto* kept = out.add_targets();
      kept->set_channel_id(entry.channel_id());
      if (entry.links()) kept->set_links(true);
      if (entry.children()) kept->set_children(true);
      if (!entry.group().empty()) kept->set_group(entry.group());
    }
    MumbleProto::VoiceTarget::Target listed;
    for (const auto session : entry.session()) {
      if (sessions.size() >= max_sessions) break;
      if (!plane.state().users().is_allocated(session) || !sessions.insert(session).second) continue;
      listed.add_session(session);
    }
    if (listed.session_size() > 0 && out.targets_size() < kMaxTargetEntries) *out.add_targets() = std::move(listed);
  }
  return out;
}

}  // namespace

void handle_voice_target(ControlPlane& plane, Session& session, const MumbleProto::VoiceTarget& message) {
  const auto id = message.id();
  // Ids 1..30 only: 0 is normal talking and 31 the loopback (§4.3).
  if (id < 1 || id > 30) return;
  auto target = normalised(plane, message, plane.config().limits.users);
  const auto existing = session.voice_targets.find(id);
  if (target.targets_size() == 0) {
    if (existing == session.voice_targets.end()) return;
    session.voice_targets.erase(existing);
  } else {
    // Clients re-send the same target on every press of a whisper key: nothing to rebuild then.
    if (existing != session.voice_targets.end() &&
        existing->second.SerializeAsString() == target.SerializeAsString())
      return;
    session.voice_targets[id] = std::move(target);
  }
  plane.publish_routing();
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
