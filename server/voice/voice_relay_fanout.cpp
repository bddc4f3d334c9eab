// VoiceRelay's forwarding half: the speaker's checks, routing, and one encoding per distinct
// (format, context, listener volume) encrypted once per receiver, here or on the receiver's
// home shard.
#include "server/voice/voice_relay.hpp"

#include "server/voice/voice_router.hpp"

#include <algorithm>

namespace plenum::server::voice {

namespace {

std::size_t unadjusted_slot(protocol::UdpFormat format, protocol::AudioContext context) noexcept {
  const std::size_t format_index = format == protocol::UdpFormat::Legacy ? 0 : 1;
  return format_index * 4 + static_cast<std::size_t>(context);
}

}  // namespace

void VoiceRelay::on_voice(VoiceSession& speaker, const protocol::VoicePacket& packet,
                          std::size_t plain_size, Clock::time_point now) {
  if (!snapshot_) {
    counters_.drop(DropReason::Unrouted);
    return;
  }
  const RouteOutcome outcome =
      route_voice(*snapshot_, speaker.id, packet.target_or_context, deliveries_, selection_.get());
  if (outcome == RouteOutcome::Unrouted) {
    counters_.drop(DropReason::Unrouted);
    return;
  }
  if (outcome == RouteOutcome::Silenced) {
    counters_.drop(DropReason::Silenced);
    return;
  }
  // Murmur charges every packet of a speaker allowed to talk, before it looks at the target.
  const std::size_t charged = plain_size + BandwidthLimiter::kPacketOverhead;
  if (!speaker.bandwidth.try_add(charged, settings_.bandwidth_bps / 8, now)) {
    counters_.drop(DropReason::OverBandwidth);
    return;
  }
  if (outcome == RouteOutcome::UnknownTarget) {
    counters_.drop(DropReason::UnknownTarget);
    return;
  }
  ++counters_.voice_packets;
  // The engine sees an open microphone's frames too: it must notice when they stop.
  if (packet.target_or_context == protocol::kNormalTarget) feed_engine(speaker, packet, now);
  if (outcome == RouteOutcome::OpenMicrophone) {
    counters_.drop(DropReason::OpenMicrophone);
    return;
  }
  fan_out(speaker, packet);
}

void VoiceRelay::fan_out(const VoiceSession& speaker, const protocol::VoicePacket& packet) {
  protocol::VoicePacket out = packet;
  out.sender_session = speaker.id;
  // Positional audio goes only to listeners in the speaker's plugin context (§4.3); this server
  // does not track contexts, so it forwards none rather than leak positions.
  out.position.reset();
  out.volume_adjustment = 1.0F;
  for (auto& encoding : encodings_) encoding.state = Encoding::State::Empty;
  bool remote = false;
  for (const Delivery& delivery : deliveries_) {
    VoiceSession* receiver = find(delivery.receiver);
    if (receiver == nullptr) continue;  // left since the snapshot was built
    std::size_t slot = 0;
    const protocol::ByteView plaintext = encoded(out, receiver->format, delivery, slot);
    if (plaintext.empty()) continue;
    const int at = home(*receiver);
    if (at != shard_ && at != HomeSlot::kUnclaimed) {
      // Its crypt state lives on its home shard: that shard encrypts and sends.
      remote_[static_cast<std::size_t>(at)][slot].push_back(receiver->id);
      remote = true;
    } else if (at == shard_ && receiver->reachable_by_udp()) {
      send_udp(*receiver, plaintext);
    } else {
      // Unclaimed: no UDP from it has decrypted anywhere yet, so it has no address to send to.
      outbox_.add_tunnel(receiver->id, plaintext);
    }
  }
  if (!remote) return;
  for (std::size_t index = 0; index < encodings_.size(); ++index) {
    const Encoding& encoding = encodings_[index];
    if (encoding.state == Encoding::State::Built)
      fan_out_remote(index, protocol::ByteView(encoding.bytes.data(), encoding.size));
  }
}

// One Fanout message per (shard, encoding) and per ShardMessage::kReceivers receivers.
void VoiceRelay::fan_out_remote(std::size_t encoding, protocol::ByteView plaintext) {
  for (std::size_t target = 0; target < shards_; ++target) {
    std::vector<SessionId>& receivers = remote_[target][encoding];
    for (std::size_t start = 0; start < receivers.size(); start += ShardMessage::kReceivers) {
      ShardMessage* message = message_to(static_cast<int>(target), ShardMessage::Kind::Fanout);
      if (message == nullptr) continue;
      const std::size_t count = std::min(ShardMessage::kReceivers, receivers.size() - start);
      std::copy_n(receivers.begin() + static_cast<std::ptrdiff_t>(start), count, message->receivers.begin());
      message->receiver_count = count;
      std::copy(plaintext.begin(), plaintext.end(), message->bytes.begin());
      message->size = plaintext.size();
      publish(static_cast<int>(target));
    }
    receivers.clear();
  }
}

protocol::ByteView VoiceRelay::encoded(const protocol::VoicePacket& packet, protocol::UdpFormat format,
                                       const Delivery& delivery, std::size_t& slot) {
  // Only the protobuf format has the volume field. A legacy receiver is a client older than
  // 1.5 (§4.7), which cannot be told one; Mumble's client applies listener volumes locally
  // whenever its server is older than 1.5 (ListenerVolumeSlider), so those clients do it too.
  const bool adjusted = format == protocol::UdpFormat::Protobuf && delivery.volume != 1.0F;
  slot = adjusted ? volume_slot(delivery.context, delivery.volume)
                  : unadjusted_slot(format, delivery.context);
  Encoding& encoding = encodings_[slot];
  if (encoding.state == Encoding::State::Empty) {
    protocol::VoicePacket variant = packet;
    variant.target_or_context = static_cast<std::uint8_t>(delivery.context);
    variant.volume_adjustment = adjusted ? delivery.volume : 1.0F;
    const auto size = protocol::encode_voice(variant, format, protocol::Direction::ToClient, encoding.bytes);
    encoding.state = size ? Encoding::State::Built : Encoding::State::Failed;
    encoding.size = size ? *size : 0;
    if (size) ++counters_.encodings;
  }
  if (encoding.state != Encoding::State::Built) return {};
  return protocol::ByteView(encoding.bytes.data(), encoding.size);
}

std::size_t VoiceRelay::volume_slot(protocol::AudioContext context, float volume) {
  // fan_out empties every slot per packet and slots are taken in order, so the first empty one
  // ends the search.
  for (std::size_t slot = 2 * kContexts; slot < kEncodings; ++slot) {
    Encoding& encoding = encodings_[slot];
    if (encoding.state == Encoding::State::Empty) {
      encoding.context = context;
      encoding.volume = volume;
      return slot;
    }
    if (encoding.context == context && encoding.volume == volume) return slot;
  }
  const std::size_t reused = 2 * kContexts + next_volume_slot_++ % kVolumeEncodings;
  Encoding& encoding = encodings_[reused];
  // Receivers on other shards queued for what the slot holds get it before it is rebuilt.
  if (encoding.state == Encoding::State::Built)
    fan_out_remote(reused, protocol::ByteView(encoding.bytes.data(), encoding.size));
  encoding.state = Encoding::State::Empty;
  encoding.context = context;
  encoding.volume = volume;
  return reused;
}

void VoiceRelay::send_udp(VoiceSession& receiver, protocol::ByteView plaintext) {
  OutgoingDatagram& slot = outbox_.prepare();
  const auto size = receiver.crypt.encrypt(plaintext, slot.bytes);
  if (!size) return;  // uncommitted: the slot is reused
  slot.size = *size;
  slot.to = receiver.endpoint;
  slot.from = receiver.local;
  outbox_.commit();
}

}  // namespace plenum::server::voice
