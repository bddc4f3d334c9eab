// Steps for the plenary-control integration tests: text commands sent as stock clients send
// them, and the server's private replies. Used from the test thread.
#pragma once

#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>
#include <google/protobuf/unknown_field_set.h>

#include "PlenumFloor.pb.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plenum::test {

inline constexpr std::uint32_t kPermWrite = 0x1, kPermMuteDeafen = 0x10;

// Typed into the chat bar: Mumble sends it to the current channel, wrapped in markup (1.5+).
inline void say_to_channel(MumbleTestClient& client, const std::string& text) {
  MumbleProto::TextMessage message;
  message.add_channel_id(client.model().channel_of(client.session()));
  message.set_message(text);
  client.send(message, deadline_in(kStep));
}

inline bool is_server_reply(const MumbleProto::TextMessage& message, std::uint32_t session) {
  return !message.has_actor() && message.session_size() == 1 && message.session(0) == session &&
         message.channel_id_size() == 0 && message.tree_id_size() == 0;
}

// The next private reply from the server; fails the test when none comes.
inline std::string next_reply(MumbleTestClient& client) {
  const auto reply = client.wait_for<MumbleProto::TextMessage>(
      [&](const MumbleProto::TextMessage& m) { return is_server_reply(m, client.session()); }, deadline_in(kStep));
  REQUIRE_MESSAGE(reply.has_value(), "no reply from the server");
  return reply->message();
}

inline std::string command(MumbleTestClient& client, const std::string& text) {
  say_to_channel(client, "<p>" + text + "</p>");
  return next_reply(client);
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline void enter_channel(MumbleTestClient& client, std::uint32_t channel) {
  if (client.model().channel_of(client.session()) == channel) return;  // e.g. rememberchannel
  MumbleProto::UserState move;
  move.set_session(client.session());
  move.set_channel_id(channel);
  client.send(move, deadline_in(kStep));
  const auto moved = client.wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) {
        return s.session() == client.session() && s.has_channel_id() && s.channel_id() == channel;
      },
      deadline_in(kStep));
  if (!moved) {
    const auto denied = client.wait_for<MumbleProto::PermissionDenied>(
        [](const MumbleProto::PermissionDenied&) { return true; }, deadline_in(std::chrono::milliseconds(100)));
    FAIL("session " << client.session() << " not moved to channel " << channel << "; denied: "
                    << (denied ? denied->DebugString() : std::string{"no"}));
  }
}

// Every message the server sent before now is in the client's model: the server answers a
// Ping after what it queued earlier.
inline void sync(MumbleTestClient& client) { REQUIRE(client.ping_tcp(deadline_in(kStep)).has_value()); }

// Logs in presenting access tokens (Mumble's #token groups make chairs in tests).
inline LoggedIn log_in_with_tokens(const PlenumProcess& server, const std::string& name,
                                   const std::vector<std::string>& tokens) {
  ClientOptions options;
  options.port = server.port();
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  request.tokens = tokens;
  request.udp_ping = false;
  auto handshake = client->handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  return LoggedIn{std::move(client), std::move(handshake)};
}

// The suppress changes of `session` as `client` receives them, in order, up to one with
// `value`. Consuming them in order keeps an old change from answering a later wait.
inline bool wait_suppress(MumbleTestClient& client, std::uint32_t session, bool value,
                          Clock::duration timeout = kStep) {
  const auto deadline = deadline_in(timeout);
  while (auto change = client.wait_for<MumbleProto::UserState>(
             [&](const MumbleProto::UserState& s) { return s.session() == session && s.has_suppress(); }, deadline)) {
    if (change->suppress() == value) return true;
  }
  return false;
}

// Server text to a channel (an announcement), in order, up to one containing `part`.
inline bool wait_announcement(MumbleTestClient& client, const std::string& part, Clock::duration timeout = kStep) {
  const auto deadline = deadline_in(timeout);
  while (auto text = client.wait_for<MumbleProto::TextMessage>(
             [](const MumbleProto::TextMessage& m) { return !m.has_actor() && m.channel_id_size() > 0; }, deadline)) {
    if (contains(text->message(), part)) return true;
  }
  return false;
}

// plenum-cli's view of a channel's floor: ChannelState field 1100, a serialized PlenumFloor.
inline std::optional<MumbleProto::PlenumFloor> plenum_floor_of(const MumbleProto::ChannelState& state) {
  const auto& unknown = state.GetReflection()->GetUnknownFields(state);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto& field = unknown.field(i);
    if (field.number() != 1100 || field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    MumbleProto::PlenumFloor floor;
    if (floor.ParseFromString(field.length_delimited())) return floor;
  }
  return std::nullopt;
}

}  // namespace plenum::test
