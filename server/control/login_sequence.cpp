#include "server/control/login_sequence.hpp"

#include "server/control/control_plane.hpp"
#include "server/control/state_messages.hpp"

namespace plenum::server::control {

namespace {

std::string as_string(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// CELT 0.7.0's bitstream id; 1.3.4 sends exactly this with opus=true (§8.1). Clients need all
// three required fields or they drop the message.
constexpr std::int32_t kCeltAlphaBitstream = static_cast<std::int32_t>(0x8000000bU);

// ServerSync.plenum_features bits (Mumble.proto): listener modes and the virtual mix user.
constexpr std::uint32_t kPlenumFeatureListenerModes = 1U << 0;

}  // namespace

void LoginSequence::run(state::ConnectedUser user, std::optional<state::ChannelId> remembered_channel) {
  auto& state = plane_.state();
  const auto start = state.start_channel(user, remembered_channel, plane_.config().channels.default_channel);
  if (!start) {
    MumbleProto::Reject reject;
    reject.set_type(MumbleProto::Reject::ServerFull);
    reject.set_reason("Server is full");
    session_.send(reject);
    session_.finish("login rejected: no channel to enter");
    return;
  }
  if (!state.admit(std::move(user), *start)) {
    session_.finish("login failed: session already admitted");
    return;
  }
  send_crypt_setup();
  send_codec_version();
  send_channels();
  send_permission_query(*start);
  session_.set_phase(SessionPhase::Authenticated);
  announce_user();
  send_other_users();
  send_server_sync();
  announce_listeners();
  send_server_config();
  plane_.on_user_joined(session_);
}

void send_new_crypt_keys(Session& session) {
  session.crypt = protocol::CryptStateOCB2::generate();
  MumbleProto::CryptSetup message;
  message.set_key(as_string(session.crypt.key()));
  // The client encrypts with what the server decrypts with, and the reverse (§7.1).
  message.set_client_nonce(as_string(session.crypt.decrypt_iv()));
  message.set_server_nonce(as_string(session.crypt.encrypt_iv()));
  session.send(message);
}

void LoginSequence::send_crypt_setup() { send_new_crypt_keys(session_); }

void LoginSequence::send_codec_version() {
  MumbleProto::CodecVersion message;
  message.set_alpha(kCeltAlphaBitstream);
  message.set_beta(0);
  message.set_prefer_alpha(true);
  message.set_opus(true);
  session_.send(message);
}

void LoginSequence::send_channels() {
  const auto& tree = plane_.state().channels();
  const auto order = tree.breadth_first();
  for (const auto id : order) session_.send(channel_state(*tree.find(id), session_.client_version));
  // Links only once every channel exists on the client.
  for (const auto id : order) {
    const state::Channel& channel = *tree.find(id);
    if (!channel.links.empty()) session_.send(channel_links(channel));
  }
}

void LoginSequence::send_permission_query(state::ChannelId channel) {
  MumbleProto::PermissionQuery message;
  message.set_channel_id(channel);
  message.set_permissions(plane_.state().permission_query_value(session_.id(), channel));
  session_.send(message);
}

void LoginSequence::announce_user() {
  const auto* user = plane_.state().users().find(session_.id());
  // Everyone, the newcomer included, learns the newcomer; each in its own version's terms. Its
  // listeners follow ServerSync (announce_listeners). Versions differ only in whether blobs go
  // as hashes: two encodings at most, however many receivers (a 5,000-user join encoded 25
  // million messages otherwise).
  std::optional<protocol::Bytes> frames[2];
  for (auto* receiver : plane_.authenticated_sessions()) {
    auto& frame = frames[sends_blobs_as_hash(receiver->client_version) ? 1 : 0];
    if (!frame) {
      auto message = user_state(*user, receiver->client_version);
      message.clear_listening_channel_add();
      frame = protocol::encode_frame(message);
    }
    receiver->deliver(*frame);
  }
}

// A registered user's stored listeners, as Murmur sends them after ServerSync: Mumble's client
// takes listening_volume_adjustment only for its own session, which it learns from ServerSync
// (mumble/Messages.cpp msgUserState). Everyone learns the channels; only the user itself learns
// the volumes other than 1.0 (Murmur's default, broadcastlistenervolumeadjustments = false).
void LoginSequence::announce_listeners() {
  const auto* user = plane_.state().users().find(session_.id());
  if (!user || user->listening.empty()) return;
  MumbleProto::UserState message;
  message.set_session(user->session);
  for (const auto& [channel, volume] : user->listening) message.add_listening_channel_add(channel);
  for (auto* receiver : plane_.authenticated_sessions()) {
    if (receiver != &session_) receiver->send(message);
  }
  for (const auto& [channel, volume] : user->listening) {
    if (volume == 1.0F) continue;
    auto* adjustment = message.add_listening_volume_adjustment();
    adjustment->set_listening_channel(channel);
    adjustment->set_volume_adjustment(volume);
  }
  session_.send(message);
}

void LoginSequence::send_other_users() {
  for (const auto& [id, user] : plane_.state().users().users()) {
    if (id == session_.id()) continue;
    const Session* other = plane_.find_session(id);
    if (!other || !other->authenticated()) continue;
    session_.send(user_state(user, session_.client_version));
  }
  plane_.send_mix_users(session_);
}

void LoginSequence::send_server_sync() {
  const auto& config = plane_.config();
  MumbleProto::ServerSync message;
  message.set_session(session_.id());
  message.set_max_bandwidth(config.voice.bandwidth_bps);
  if (!config.text.welcome_text.empty()) message.set_welcome_text(config.text.welcome_text);
  message.set_permissions(plane_.state().server_sync_permissions(session_.id()));
  message.set_plenum_features(kPlenumFeatureListenerModes);
  session_.send(message);
}

void LoginSequence::send_server_config() {
  const auto& config = plane_.config();
  MumbleProto::ServerConfig message;
  message.set_allow_html(config.text.allow_html);
  message.set_message_length(config.text.text_message_length);
  message.set_image_message_length(config.text.image_message_length);
  message.set_max_users(config.limits.users);
  if (session_.client_version >= protocol::Version{1, 5, 0}) message.set_recording_allowed(true);
  session_.send(message);
}

}  // namespace plenum::server::control
