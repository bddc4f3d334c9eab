// Read-only requests: PermissionQuery, QueryUsers, UserStats, RequestBlob
// (MUMBLE_PROTOCOL.md §2.15, §2.20, §2.22, §2.10).
#include "server/control/control_plane.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/peer_address.hpp"
#include "server/control/state_messages.hpp"

#include "protocol/crypt_stats_fields.hpp"

#include <algorithm>
#include <unordered_set>
#include <vector>

namespace plenum::server::control {

void handle_permission_query(ControlPlane& plane, Session& session, const MumbleProto::PermissionQuery& message) {
  const auto channel = message.channel_id();
  if (!plane.state().channels().contains(channel)) return;
  MumbleProto::PermissionQuery reply;
  reply.set_channel_id(channel);
  reply.set_permissions(plane.state().permission_query_value(session.id(), channel));
  session.send(reply);
}

void handle_query_users(ControlPlane& plane, Session& session, const MumbleProto::QueryUsers& message) {
  MumbleProto::QueryUsers reply;
  for (const auto id : message.ids()) {
    if (const auto* account = plane.accounts().find(id)) {
      reply.add_ids(id);
      reply.add_names(account->name);
    }
  }
  for (const auto& name : message.names()) {
    if (const auto* account = plane.accounts().find_by_name(name)) {
      reply.add_ids(account->id);
      reply.add_names(account->name);
    }
  }
  session.send(reply);
}

void handle_user_stats(ControlPlane& plane, Session& session, const MumbleProto::UserStats& message) {
  const state::SessionId target_id = message.has_session() ? message.session() : session.id();
  const auto* user = plane.state().users().find(target_id);
  Session* target = plane.find_session(target_id);
  if (!user || !target) return;
  const auto* asker = plane.state().users().find(session.id());
  const bool self = target_id == session.id();
  // Details (certificates, version, address) only for oneself or those who may ban; packet
  // statistics for oneself and users in the same channel (§2.22).
  const bool details = self || plane.state().has_permission(session.id(), state::kRootChannel, state::Permission::Ban);
  const bool packets = self || details || (asker && asker->channel == user->channel);

  MumbleProto::UserStats reply;
  reply.set_session(target_id);
  reply.set_stats_only(message.stats_only());
  if (packets) {
    protocol::set_crypt_stats(*reply.mutable_from_client(), target->client_report);
    protocol::set_crypt_stats(*reply.mutable_from_server(), target->crypt_stats);
    reply.set_udp_packets(static_cast<std::uint32_t>(target->udp_packets));
    reply.set_tcp_packets(static_cast<std::uint32_t>(target->tcp_packets));
    reply.set_udp_ping_avg(target->udp_ping_avg);
    reply.set_udp_ping_var(target->udp_ping_var);
    reply.set_tcp_ping_avg(target->tcp_ping_avg);
    reply.set_tcp_ping_var(target->tcp_ping_var);
  }
  const auto now = Session::Clock::now();
  reply.set_onlinesecs(static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - target->connected_at()).count()));
  reply.set_idlesecs(static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - target->last_activity()).count()));
  if (details && !message.stats_only()) {
    auto* version = reply.mutable_version();
    protocol::set_version(*version, target->client_version);
    version->set_release(target->client_release);
    version->set_os(target->client_os);
    reply.set_opus(user->opus);
    reply.set_strong_certificate(user->strong_certificate);
    reply.set_bandwidth(plane.config().voice.bandwidth_bps);
    if (!target->peer_certificate_der.empty()) reply.add_certificates(target->peer_certificate_der);
    // The address is personal data: only an admin asking explicitly sees it, never the log.
    if (const auto bytes = mapped_address(target->remote_address))
      reply.set_address(std::string{reinterpret_cast<const char*>(bytes->data()), bytes->size()});
  }
  session.send(reply);
}

namespace {

// Ids of a repeated field, each once, in the order asked, at most `limit` of them: a frame of
// a million copies of one session costs one reply (issue 12, defect 1).
template <class Ids>
std::vector<std::uint32_t> distinct_ids(const Ids& ids, std::size_t limit) {
  std::vector<std::uint32_t> out;
  std::unordered_set<std::uint32_t> seen;
  for (const auto id : ids) {
    if (out.size() >= limit) break;
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

// Replies to one RequestBlob go out while they fit in half the sender's send queue; the client
// asks again for what is left (Mumble's client re-requests blobs it still lacks). Never more
// than a reader keeps up with, and none once the sender is gone.
bool room_for(const ControlPlane& plane, const Session& session, std::size_t bytes) {
  return !session.closed() && session.queued_bytes() + bytes <= plane.limits().max_queued_bytes / 2;
}

template <class Message>
bool send_blob(const ControlPlane& plane, Session& session, const Message& reply) {
  auto frame = protocol::encode_frame(reply);
  if (!room_for(plane, session, frame.size())) return false;
  session.deliver(std::move(frame));
  return true;
}

}  // namespace

void handle_request_blob(ControlPlane& plane, Session& session, const MumbleProto::RequestBlob& message) {
  const auto& users = plane.state().users();
  const std::size_t user_limit = std::max<std::size_t>(users.size(), 1);
  for (const auto id : distinct_ids(message.session_texture(), user_limit)) {
    const auto* user = users.find(id);
    if (!user || user->texture.empty()) continue;
    MumbleProto::UserState reply;
    reply.set_session(id);
    reply.set_texture(std::string{reinterpret_cast<const char*>(user->texture.data()), user->texture.size()});
    if (!send_blob(plane, session, reply)) return;
  }
  for (const auto id : distinct_ids(message.session_comment(), user_limit)) {
    const auto* user = users.find(id);
    if (!user || user->comment.empty()) continue;
    MumbleProto::UserState reply;
    reply.set_session(id);
    reply.set_comment(user->comment);
    if (!send_blob(plane, session, reply)) return;
  }
  const std::size_t channel_limit = std::max<std::size_t>(plane.state().channels().size(), 1);
  for (const auto id : distinct_ids(message.channel_description(), channel_limit)) {
    const auto* channel = plane.state().channels().find(id);
    if (!channel || channel->description.empty()) continue;
    MumbleProto::ChannelState reply;
    reply.set_channel_id(id);
    reply.set_description(channel->description);
    if (!send_blob(plane, session, reply)) return;
  }
}

}  // namespace plenum::server::control
