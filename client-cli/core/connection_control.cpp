// Connection: control messages from the server, login and channel join (MUMBLE_PROTOCOL.md
// §3.2, §3.4, §7.6).
#include "client-cli/core/connection.hpp"

#include "protocol/crypt_stats_fields.hpp"
#include "protocol/html_escape.hpp"

#include "client-cli/core/crypt_resync.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace plenum::client {
namespace {

using Clock = std::chrono::steady_clock;

// Announced to servers that speak protobuf UDP, and to all others (legacy UDP everywhere).
constexpr protocol::Version kModernVersion{1, 5, 0};
constexpr protocol::Version kLegacyVersion{1, 3, 4};

// Text messages are HTML; a terminal shows them with tags removed and entities decoded.
std::string plain_text(const std::string& html) {
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  for (const auto& [entity, text] :
       {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (auto at = out.find(entity); at != std::string::npos; at = out.find(entity, at + 1)) {
      out.replace(at, std::strlen(entity), text);
    }
  }
  return out;
}

std::string reject_text(const MumbleProto::Reject& reject) {
  const std::string type = MumbleProto::Reject_RejectType_Name(reject.type());
  return reject.has_reason() && !reject.reason().empty()
             ? fmt::format("{} ({})", reject.reason(), type)
             : type;
}

}  // namespace

void Connection::on_control(protocol::ControlMessage message) {
  using protocol::MessageType;
  switch (protocol::type_of(message)) {
    case MessageType::Version:
      on_server_version(std::get<MumbleProto::Version>(message));
      break;
    case MessageType::UDPTunnel:
      on_voice_plaintext(std::get<protocol::TunnelPacket>(message).packet, VoicePath::Tcp);
      break;
    case MessageType::Reject:
      end_session({fmt::format("rejected by {}: {}", server_name(),
                               reject_text(std::get<MumbleProto::Reject>(message))),
                   true});
      break;
    case MessageType::ServerSync:
      on_server_sync(std::get<MumbleProto::ServerSync>(message));
      break;
    case MessageType::ChannelState:
      view_.apply(std::get<MumbleProto::ChannelState>(message));
      listener_.on_event({});
      break;
    case MessageType::ChannelRemove:
      view_.apply(std::get<MumbleProto::ChannelRemove>(message));
      listener_.on_event({});
      break;
    case MessageType::UserState:
      on_user_state(std::get<MumbleProto::UserState>(message));
      break;
    case MessageType::UserRemove:
      on_user_remove(std::get<MumbleProto::UserRemove>(message));
      break;
    case MessageType::TextMessage:
      on_text_message(std::get<MumbleProto::TextMessage>(message));
      break;
    case MessageType::PermissionDenied:
      on_permission_denied(std::get<MumbleProto::PermissionDenied>(message));
      break;
    case MessageType::CryptSetup:
      on_crypt_setup(std::get<MumbleProto::CryptSetup>(message));
      break;
    case MessageType::Ping:
      on_ping_reply(std::get<MumbleProto::Ping>(message));
      break;
    case MessageType::ServerConfig: {
      const auto& config = std::get<MumbleProto::ServerConfig>(message);
      if (config.has_max_bandwidth()) {
        max_bandwidth_ = config.max_bandwidth();
      }
      break;
    }
    default:
      break;
  }
}

void Connection::on_user_remove(const MumbleProto::UserRemove& remove) {
  if (synced_ && remove.session() == view_.own_session()) {
    end_session({fmt::format("removed from {}: {}", server_name(),
                             remove.has_reason() ? remove.reason() : "no reason given"),
                 true});
    return;
  }
  view_.apply(remove);
  listener_.on_event({});
}

void Connection::on_text_message(const MumbleProto::TextMessage& text) {
  const UserEntry* sender = text.has_actor() ? view_.user(text.actor()) : nullptr;
  listener_.on_event(fmt::format("{}: {}", sender != nullptr ? sender->name : "server",
                                 plain_text(text.message())));
}

void Connection::on_server_version(const MumbleProto::Version& version) {
  server_version_ = protocol::version_of(version);
  if (!hello_sent_) {
    send_hello();
  }
}

void Connection::send_hello() {
  // Protobuf UDP iff both sides announce >= 1.5.0 (§4.7). We announce 1.5.0 only to servers
  // that do, so that everyone else (murmurd 1.3.4) sees a plain legacy client.
  announced_version_ = server_version_ >= kModernVersion ? kModernVersion : kLegacyVersion;
  format_ = protocol::udp_format_for(std::min(announced_version_, server_version_));
  MumbleProto::Version version;
  protocol::set_version(version, announced_version_);
  version.set_release(config_.release);
  version.set_os("Linux");
  version.set_os_version("plenum-cli");
  MumbleProto::Authenticate authenticate;
  authenticate.set_username(config_.username);
  if (!config_.password.empty()) {
    authenticate.set_password(config_.password);
  }
  authenticate.set_opus(true);
  send(version);
  send(authenticate);
  hello_sent_ = true;
}

void Connection::on_crypt_setup(const MumbleProto::CryptSetup& setup) {
  if (auto reply = apply_crypt_setup(crypt_, setup, Clock::now())) {
    send(*reply);
  }
}

void Connection::on_server_sync(const MumbleProto::ServerSync& sync) {
  synced_ = true;
  plenum_server_ = sync.plenum_features() != 0;
  view_.set_own_session(sync.session());
  if (sync.has_max_bandwidth()) {
    max_bandwidth_ = sync.max_bandwidth();
  }
  if (sync.has_welcome_text() && !sync.welcome_text().empty()) {
    listener_.on_event(plain_text(sync.welcome_text()));
  }
  // The server learns our UDP address only from a datagram that decrypts: ping at once, then
  // probe every second until UDP answers (§3.2, DESIGN.md §8).
  if (udp_ && crypt_.is_valid()) {
    udp_probes_left_ = 5;
    send_udp_ping();
  }
  start_join();
}

void Connection::start_join() {
  if (config_.channel_path.empty()) {
    check_joined();
    return;
  }
  const auto target = view_.find_channel(config_.channel_path);
  if (!target) {
    end_session({fmt::format("channel '{}' not found on {}", config_.channel_path, server_name()),
                 true});
    return;
  }
  join_target_ = *target;
  const UserEntry* self = view_.own_user();
  if (self != nullptr && self->channel_id == *target) {
    check_joined();
    return;
  }
  MumbleProto::UserState move;
  move.set_session(view_.own_session());
  move.set_channel_id(*target);
  send(move);
}

void Connection::check_joined() {
  if (joined_ || !synced_) {
    return;
  }
  const UserEntry* self = view_.own_user();
  if (join_target_ && (self == nullptr || self->channel_id != *join_target_)) {
    return;
  }
  joined_ = true;
  request_listener_mode();
  listener_.on_joined();
}

// Plenum takes `/mode` as a text command to its own channel, answered to the sender only; any
// other server would show it to the channel as chat, so it is never sent there.
void Connection::request_listener_mode() {
  if (config_.listener_mode.empty() || config_.listener_mode == "all") return;
  if (!plenum_server_) {
    listener_.on_event(fmt::format("listener mode {} is not available on {} (not a Plenum server); "
                                   "listening to every speaker",
                                   config_.listener_mode, server_name()));
    return;
  }
  const UserEntry* self = view_.own_user();
  if (self != nullptr) send_text(self->channel_id, "/mode " + config_.listener_mode);
}

void Connection::on_user_state(const MumbleProto::UserState& state) {
  view_.apply(state);
  if (synced_ && !joined_ && state.session() == view_.own_session()) {
    check_joined();
  }
  listener_.on_event({});
}

void Connection::on_permission_denied(const MumbleProto::PermissionDenied& denied) {
  const std::string reason =
      denied.has_reason() && !denied.reason().empty()
          ? denied.reason()
          : MumbleProto::PermissionDenied_DenyType_Name(denied.type());
  if (synced_ && !joined_ && join_target_) {
    end_session({fmt::format("cannot enter channel '{}': {}", config_.channel_path, reason),
                 true});
    return;
  }
  listener_.on_event(fmt::format("permission denied: {}", reason));
}

void Connection::send_tcp_ping() {
  MumbleProto::Ping ping;
  ping.set_timestamp(timestamp_now());
  protocol::set_crypt_stats(ping, crypt_.local_stats());
  ping.set_udp_packets(static_cast<std::uint32_t>(stats_.voice_received_udp));
  ping.set_tcp_packets(static_cast<std::uint32_t>(stats_.voice_received_tcp));
  if (stats_.udp_ping_ms) {
    ping.set_udp_ping_avg(static_cast<float>(*stats_.udp_ping_ms));
  }
  if (stats_.tcp_ping_ms) {
    ping.set_tcp_ping_avg(static_cast<float>(*stats_.tcp_ping_ms));
  }
  send(ping);
  ++tcp_pings_in_flight_;
}

void Connection::on_ping_reply(const MumbleProto::Ping& ping) {
  tcp_pings_in_flight_ = 0;
  if (const auto now = timestamp_now(); ping.timestamp() != 0 && ping.timestamp() <= now) {
    const double rtt_ms = static_cast<double>(now - ping.timestamp()) / 1000.0;
    stats_.tcp_ping_ms = stats_.tcp_ping_ms ? 0.8 * *stats_.tcp_ping_ms + 0.2 * rtt_ms : rtt_ms;
  }
  crypt_.set_remote_stats({ping.good(), ping.late(), ping.lost(), ping.resync()});
  stats_.server_crypt = crypt_.remote_stats();
}

std::uint64_t Connection::timestamp_now() const {
  // Microseconds since this object was made; never 0, so a reply can be told from no reply.
  return static_cast<std::uint64_t>(
             std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - epoch_).count()) +
         1;
}

void Connection::join_channel(std::uint32_t channel_id) {
  if (!synced_) {
    return;
  }
  config_.channel_path = view_.channel_path(channel_id);
  MumbleProto::UserState move;
  move.set_session(view_.own_session());
  move.set_channel_id(channel_id);
  send(move);
}

void Connection::send_text(std::uint32_t channel_id, const std::string& text) {
  if (!synced_) {
    return;
  }
  MumbleProto::TextMessage message;
  message.add_channel_id(channel_id);
  message.set_message(protocol::html_escape(text));
  send(message);
}

void Connection::set_self_mute_deaf(bool mute, bool deaf) {
  if (!synced_) {
    return;
  }
  MumbleProto::UserState state;
  state.set_session(view_.own_session());
  state.set_self_mute(mute || deaf);
  state.set_self_deaf(deaf);
  send(state);
}

}  // namespace plenum::client
