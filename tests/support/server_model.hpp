// ServerModel: what a test client has learnt about the server from the control messages it
// received (channels, users, crypto, sync). Owned by one MumbleTestClient; plain values.
#pragma once

#include "protocol/control_message.hpp"

#include "Mumble.pb.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::test {

struct ServerModel {
  std::optional<MumbleProto::Version> server_version;
  std::optional<MumbleProto::CryptSetup> crypt_setup;  // the last full key exchange
  std::optional<MumbleProto::CodecVersion> codec_version;
  std::optional<MumbleProto::ServerSync> server_sync;
  std::optional<MumbleProto::ServerConfig> server_config;
  std::optional<MumbleProto::Reject> reject;
  // Deltas merged per id/session; removed by ChannelRemove/UserRemove.
  std::map<std::uint32_t, MumbleProto::ChannelState> channels;
  std::map<std::uint32_t, MumbleProto::UserState> users;
  std::map<std::uint32_t, std::uint32_t> permissions;  // channel id -> PermissionQuery bits

  void apply(const protocol::ControlMessage& message);

  // Our own session from ServerSync; 0 before it.
  std::uint32_t session() const;
  const MumbleProto::UserState* user_named(std::string_view name) const;
  const MumbleProto::UserState* user(std::uint32_t session) const;
  // The channel a user is in (absent channel_id means root).
  std::uint32_t channel_of(std::uint32_t session) const;
};

// What handshake() saw: every message in arrival order, and the model they built.
struct Handshake {
  std::vector<protocol::ControlMessage> transcript;
  ServerModel model;
  // The plaintext of the UDP ping echo, when HandshakeRequest::udp_ping asked for one.
  std::optional<protocol::Bytes> udp_ping_echo;

  bool synced() const { return model.server_sync.has_value(); }
  std::vector<protocol::MessageType> types() const;
  // "Version, CryptSetup, ..." for failure messages.
  std::string describe() const;
};

// The first message of type M in `messages`, or null.
template <class M>
const M* find_first(const std::vector<protocol::ControlMessage>& messages) {
  for (const auto& message : messages) {
    if (const auto* typed = std::get_if<M>(&message)) {
      return typed;
    }
  }
  return nullptr;
}

}  // namespace plenum::test
