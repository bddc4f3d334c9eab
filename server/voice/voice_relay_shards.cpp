// VoiceRelay between shards: what it passes to another shard's relay, and what it does with
// what they pass to it (ShardMesh messages).
#include "server/voice/voice_relay.hpp"

#include <algorithm>

namespace plenum::server::voice {

ShardMessage* VoiceRelay::message_to(int target, ShardMessage::Kind kind) noexcept {
  ShardMessage* message = mesh_ != nullptr ? mesh_->prepare(static_cast<std::size_t>(shard_),
                                                            static_cast<std::size_t>(target))
                                           : nullptr;
  if (message == nullptr) {
    counters_.drop(DropReason::RingFull);
    return nullptr;
  }
  message->kind = kind;
  message->from_shard = static_cast<std::uint8_t>(shard_);
  message->size = 0;
  message->receiver_count = 0;
  return message;
}

void VoiceRelay::publish(int target) {
  mesh_->publish(static_cast<std::size_t>(shard_), static_cast<std::size_t>(target));
  ++counters_.shard_out;
}

void VoiceRelay::pass_datagram(int target, const Datagram& datagram) {
  ShardMessage* message = message_to(target, ShardMessage::Kind::Datagram);
  if (message == nullptr) return;
  // on_datagram drops datagrams above 1024 bytes before anything is passed on.
  const std::size_t size = std::min(datagram.bytes.size(), message->bytes.size());
  std::copy_n(datagram.bytes.begin(), size, message->bytes.begin());
  message->size = size;
  message->from = datagram.from;
  message->to = datagram.to;
  message->waited = datagram.waited;
  publish(target);
}

void VoiceRelay::pass_session(int target, ShardMessage::Kind kind, SessionId session,
                              protocol::ByteView bytes) {
  ShardMessage* message = message_to(target, kind);
  if (message == nullptr) return;
  message->session = session;
  const std::size_t size = std::min(bytes.size(), message->bytes.size());
  std::copy_n(bytes.begin(), size, message->bytes.begin());
  message->size = size;
  publish(target);
}

void VoiceRelay::on_shard_message(const ShardMessage& message, Clock::time_point now) {
  switch (message.kind) {
    case ShardMessage::Kind::Fanout:
      on_fanout(message);
      return;
    case ShardMessage::Kind::Datagram:
      receive(Datagram{message.view(), message.from, message.to, false, message.waited}, now,
              message.from_shard);
      return;
    case ShardMessage::Kind::Bind:
      on_bind(message);
      return;
    case ShardMessage::Kind::Tunnel:
      if (VoiceSession* sender = find(message.session); sender != nullptr && owns(*sender))
        on_tunnel_voice(*sender, message.view(), now);
      return;
    case ShardMessage::Kind::EncryptIvRequest:
      send_encrypt_iv(message.session);
      return;
  }
}

void VoiceRelay::on_fanout(const ShardMessage& message) {
  const protocol::ByteView plaintext = message.view();
  for (std::size_t i = 0; i < message.receiver_count; ++i) {
    VoiceSession* receiver = find(message.receivers[i]);
    if (receiver == nullptr || !owns(*receiver)) continue;  // left meanwhile
    if (receiver->reachable_by_udp()) {
      send_udp(*receiver, plaintext);
    } else {
      outbox_.add_tunnel(receiver->id, plaintext);
    }
  }
}

// The session's home learned a new address of its client through a datagram this shard passed
// on; later ones from there go straight to the home.
void VoiceRelay::on_bind(const ShardMessage& message) {
  VoiceSession* session = find(message.session);
  if (session == nullptr || home(*session) != message.from_shard) return;
  if (session->has_endpoint) endpoints_.unbind(session->endpoint_key);
  session->endpoint_key = endpoint_key(message.from);
  session->has_endpoint = true;
  endpoints_.bind(session->endpoint_key, session->id);
}

}  // namespace plenum::server::voice
