// VoiceRelay's forwarding half: the speaker's checks, routing, and one encoding per distinct
// (format, context, listener volume) encrypted once per receiver.
#include "server/voice/voice_relay.hpp"

#include "server/voice/voice_router.hpp"

namespace plenum::server::voice {

void VoiceRelay::on_voice(VoiceSession& speaker, const protocol::VoicePacket& packet,
                          std::size_t plain_size, Clock::time_point now) {
  if (!snapshot_) {
    counters_.drop(DropReason::Unrouted);
    return;
  }
  const RouteOutcome outcome = route_voice(*snapshot_, speaker.id, packet.target_or_context, deliveries_);
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
  for (const Delivery& delivery : deliveries_) {
    VoiceSession* receiver = find(delivery.receiver);
    if (receiver == nullptr) continue;  // left since the snapshot was built
    const protocol::ByteView plaintext = encoded(out, receiver->format, delivery);
    if (plaintext.empty()) continue;
    if (receiver->reachable_by_udp()) {
      send_udp(*receiver, plaintext);
    } else {
      outbox_.add_tunnel(receiver->id, plaintext);
    }
  }
}

protocol::ByteView VoiceRelay::encoded(const protocol::VoicePacket& packet, protocol::UdpFormat format,
                                       const Delivery& delivery) {
  // Only the protobuf format has the volume field. A legacy receiver is a client older than
  // 1.5 (§4.7), which cannot be told one; Mumble's client applies listener volumes locally
  // whenever its server is older than 1.5 (ListenerVolumeSlider), so those clients do it too.
  const bool adjusted = format == protocol::UdpFormat::Protobuf && delivery.volume != 1.0F;
  const std::size_t format_index = format == protocol::UdpFormat::Legacy ? 0 : 1;
  Encoding& encoding =
      adjusted ? volume_encoding(delivery.context, delivery.volume)
               : encodings_[format_index * kContexts + static_cast<std::size_t>(delivery.context)];
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

VoiceRelay::Encoding& VoiceRelay::volume_encoding(protocol::AudioContext context, float volume) noexcept {
  const auto first = encodings_.begin() + 2 * kContexts;
  // fan_out empties every slot per packet and slots are taken in order, so the first empty one
  // ends the search.
  for (auto it = first; it != encodings_.end(); ++it) {
    if (it->state == Encoding::State::Empty) {
      it->context = context;
      it->volume = volume;
      return *it;
    }
    if (it->context == context && it->volume == volume) return *it;
  }
  Encoding& reused = first[static_cast<std::ptrdiff_t>(next_volume_slot_++ % kVolumeEncodings)];
  reused.state = Encoding::State::Empty;
  reused.context = context;
  reused.volume = volume;
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
