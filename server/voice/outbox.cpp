#include "server/voice/outbox.hpp"

#include "protocol/control_message.hpp"

#include <utility>

namespace plenum::server::voice {

Outbox::Outbox(std::size_t batch_size, UdpSink sink, VoiceCounters& counters)
    : slots_(batch_size == 0 ? 1 : batch_size), sink_{std::move(sink)}, counters_{counters} {}

OutgoingDatagram& Outbox::prepare() {
  if (pending_ == slots_.size()) flush_udp();
  OutgoingDatagram& slot = slots_[pending_];
  slot.size = 0;
  slot.from = {};
  return slot;
}

void Outbox::add_tunnel(SessionId session, protocol::ByteView plaintext) {
  tunnel_.push_back({session, protocol::encode_tunnel_frame(plaintext)});
  ++counters_.tunnel_out;
}

void Outbox::flush_udp() {
  if (pending_ == 0) return;
  const std::size_t sent = sink_(std::span<const OutgoingDatagram>(slots_.data(), pending_));
  counters_.udp_out += sent;
  counters_.drops[static_cast<std::size_t>(DropReason::SendFailed)] += pending_ - sent;
  pending_ = 0;
}

std::vector<TunnelFrame> Outbox::take_tunnel() { return std::exchange(tunnel_, {}); }

}  // namespace plenum::server::voice
