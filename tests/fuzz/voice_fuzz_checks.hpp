// Checks shared by the legacy_udp and protobuf_udp fuzz targets: a decoded VoicePacket must
// survive encoding in either format and direction it can be expressed in, and decode back to
// the same fields. A violation aborts, so libFuzzer reports it as a crash.
#pragma once

#include "protocol/voice_packet.hpp"
#include "unit/protocol/voice_fixtures.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <variant>

namespace plenum::protocol::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "voice fuzz check failed: %s\n", what);
  std::abort();
}

// Reads every field, so ASan sees any view that points outside the input.
inline unsigned touch(const VoicePacket& packet) {
  unsigned sum = packet.target_or_context + packet.sender_session +
                 static_cast<unsigned>(packet.frame_number) + (packet.terminator ? 1U : 0U);
  for (const std::byte b : packet.opus) sum += std::to_integer<unsigned>(b);
  if (packet.position) {
    for (const float coordinate : *packet.position) sum += static_cast<unsigned>(coordinate > 0);
  }
  return sum + static_cast<unsigned>(packet.volume_adjustment > 1.0F);
}

// What a packet encoded for (format, direction) can carry: clients send neither session nor
// volume, and the legacy format has no volume.
inline VoicePacket expressible(VoicePacket packet, UdpFormat format, Direction direction) {
  if (direction == Direction::ToServer) packet.sender_session = 0;
  if (direction == Direction::ToServer || format == UdpFormat::Legacy) {
    packet.volume_adjustment = 1.0F;
  }
  return packet;
}

inline void check_reencodes(const VoicePacket& packet) {
  std::array<std::byte, kMaxUdpPlaintextSize> out{};
  for (const UdpFormat format : {UdpFormat::Legacy, UdpFormat::Protobuf}) {
    for (const Direction direction : {Direction::ToServer, Direction::ToClient}) {
      const auto size = encode_voice(packet, format, direction, out);
      if (!size) {
        // Re-encoding may grow a packet past the datagram limit (a protobuf field the input
        // omitted), and protobuf cannot carry the empty Opus frame legacy allows.
        const bool allowed = size.error() == VoiceError::TooLong ||
                             (size.error() == VoiceError::EmptyOpus && packet.opus.empty());
        if (!allowed) fail("encode_voice refused a decoded packet");
        continue;
      }
      const auto again = decode_udp_plaintext(ByteView{out}.first(*size), format, direction);
      if (!again || !std::holds_alternative<VoicePacket>(*again)) fail("re-encoded packet refused");
      if (!testing::same_voice(std::get<VoicePacket>(*again),
                               expressible(packet, format, direction))) {
        fail("re-encoded packet decodes differently");
      }
    }
  }
}

}  // namespace plenum::protocol::fuzz
