// Outbox: what one batch of incoming traffic makes the voice plane send. Encrypted datagrams
// fill fixed slots that go to the socket in one sendmmsg when the batch is full or processed;
// tunnel frames (voice for receivers without working UDP) are collected for one post to the
// control plane per batch. Owned by the VoicePlane, filled by its VoiceRelay; voice thread.
#pragma once

#include "protocol/bytes.hpp"
#include "server/voice/datagram.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace plenum::server::voice {

class Outbox {
 public:
  // Sends datagrams; returns how many the kernel took (the rest are dropped and counted).
  using UdpSink = std::function<std::size_t(std::span<const OutgoingDatagram>)>;

  Outbox(std::size_t batch_size, UdpSink sink, VoiceCounters& counters);

  // A slot for the next datagram (flushing a full batch first). Fill it, then commit() it, or
  // leave it uncommitted to discard it.
  OutgoingDatagram& prepare();
  void commit() noexcept { ++pending_; }
  // Wraps one plaintext voice packet in a UDPTunnel frame for `session`.
  void add_tunnel(SessionId session, protocol::ByteView plaintext);

  void flush_udp();
  // The tunnel frames collected since the last call.
  std::vector<TunnelFrame> take_tunnel();
  std::size_t pending_udp() const noexcept { return pending_; }
  bool has_tunnel() const noexcept { return !tunnel_.empty(); }

 private:
  std::vector<OutgoingDatagram> slots_;
  std::size_t pending_ = 0;
  UdpSink sink_;
  VoiceCounters& counters_;
  std::vector<TunnelFrame> tunnel_;
};

}  // namespace plenum::server::voice
