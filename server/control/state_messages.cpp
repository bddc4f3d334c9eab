#include "server/control/state_messages.hpp"

#include <openssl/sha.h>

namespace plenum::server::control {

std::string sha1_bytes(std::string_view data) {
  std::string digest(SHA_DIGEST_LENGTH, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool sends_blobs_as_hash(protocol::Version receiver) noexcept {
  return receiver >= protocol::Version{1, 2, 2};
}

MumbleProto::ChannelState channel_state(const state::Channel& channel, protocol::Version receiver) {
  MumbleProto::ChannelState message;
  message.set_channel_id(channel.id);
  if (channel.parent) message.set_parent(*channel.parent);
  message.set_name(channel.name);
  message.set_position(channel.position);
  message.set_max_users(channel.max_users);
  if (channel.temporary) message.set_temporary(true);
  if (!channel.description.empty()) {
    if (channel.description.size() >= kInlineBlobLimit && sends_blobs_as_hash(receiver)) {
      message.set_description_hash(sha1_bytes(channel.description));
    } else {
      message.set_description(channel.description);
    }
  }
  return message;
}

MumbleProto::ChannelState channel_links(const state::Channel& channel) {
  MumbleProto::ChannelState message;
  message.set_channel_id(channel.id);
  for (const auto linked : channel.links) message.add_links(linked);
  return message;
}

}  // namespace plenum::server::control

namespace plenum::server::control {

MumbleProto::UserState user_state(const state::ConnectedUser& user, protocol::Version receiver) {
  MumbleProto::UserState message;
  message.set_session(user.session);
  message.set_name(user.name);
  if (user.user_id) message.set_user_id(*user.user_id);
  message.set_channel_id(user.channel);
  if (user.mute) message.set_mute(true);
  if (user.deaf) message.set_deaf(true);
  if (user.suppress) message.set_suppress(true);
  if (user.self_mute) message.set_self_mute(true);
  if (user.self_deaf) message.set_self_deaf(true);
  if (user.priority_speaker) message.set_priority_speaker(true);
  if (user.recording) message.set_recording(true);
  if (!user.cert_hash.empty()) message.set_hash(user.cert_hash);
  const bool hashes = sends_blobs_as_hash(receiver);
  if (!user.comment.empty()) {
    if (hashes && user.comment.size() >= kInlineBlobLimit) {
      message.set_comment_hash(sha1_bytes(user.comment));
    } else {
      message.set_comment(user.comment);
    }
  }
  if (!user.texture.empty()) {
    const std::string_view texture{reinterpret_cast<const char*>(user.texture.data()), user.texture.size()};
    if (hashes && texture.size() >= kInlineBlobLimit) {
      message.set_texture_hash(sha1_bytes(texture));
    } else {
      message.set_texture(std::string{texture});
    }
  }
  for (const auto& [channel, volume] : user.listening) message.add_listening_channel_add(channel);
  return message;
}

}  // namespace plenum::server::control
