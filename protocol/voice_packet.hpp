// VoicePacket: one Opus voice datagram as a view into its plaintext, with decoders and encoders
// for both UDP formats (legacy varint, protobuf MumbleUDP.Audio) and both directions
// (MUMBLE_PROTOCOL.md §4.3, §4.6, §6). The same bytes travel over UDP and the UDPTunnel.
// Pure functions, no allocation; any thread.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/udp_ping.hpp"
#include "protocol/udp_protobuf.hpp"
#include "protocol/version.hpp"
#include "protocol/voice_error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

namespace plenum::protocol {

// Client to server carries a target; server to client carries the sender's session and a
// context instead.
enum class Direction { ToServer, ToClient };

// Top three bits of a legacy header byte.
enum class LegacyType : std::uint8_t { CeltAlpha = 0, Ping = 1, Speex = 2, CeltBeta = 3, Opus = 4 };
// First byte of a protobuf-format plaintext.
enum class ProtobufType : std::uint8_t { Audio = 0, Ping = 1 };

// What the server tells a listener about why it hears a packet (server to client).
enum class AudioContext : std::uint8_t { Normal = 0, Shout = 1, Whisper = 2, Listen = 3 };
// Client to server targets: 0 normal talking, 1..30 a registered VoiceTarget, 31 loopback.
inline constexpr std::uint8_t kNormalTarget = 0;
inline constexpr std::uint8_t kLoopbackTarget = 31;
inline constexpr std::uint8_t kMaxTargetOrContext = 31;  // the legacy header has five bits

// murmur drops larger datagrams; UDPTunnel payloads have the same bound.
inline constexpr std::size_t kMaxUdpPlaintextSize = 1024;
// The legacy Opus length field has 13 bits; bit 0x2000 is the terminator flag.
inline constexpr std::size_t kMaxLegacyOpusSize = 0x1FFF;

using Position = std::array<float, 3>;  // x, y, z

struct VoicePacket {
  // ToServer: target (0 normal, 1..30 VoiceTarget, 31 loopback). ToClient: an AudioContext.
  std::uint8_t target_or_context = 0;
  std::uint32_t sender_session = 0;  // ToClient only; encoders ignore it ToServer
  // Legacy "seq": index of the first 10 ms frame. Encoded as the full 64-bit varint; Mumble
  // casts to int first, which gives the same bytes below 2^31 (248 days of audio).
  std::uint64_t frame_number = 0;
  ByteView opus{};                   // one Opus packet (view into the datagram)
  bool terminator = false;           // last packet of a transmission
  std::optional<Position> position{};
  // Protobuf ToClient only: the listener's volume factor for this speaker. Never 0.
  float volume_adjustment = 1.0F;
};

// A plaintext datagram after decryption (or a UDPTunnel payload): voice, a legacy ping, or a
// protobuf MumbleUDP.Ping.
using UdpMessage = std::variant<VoicePacket, LegacyPing, PingFields>;

// Decodes a whole plaintext. Legacy non-Opus voice is VoiceError::NotOpus. As in Mumble, a
// legacy plaintext starting with exactly 0x01 is read as a protobuf Ping: 1.5+ peers may send
// those before they know our version.
Result<UdpMessage> decode_udp_plaintext(ByteView plaintext, UdpFormat format,
                                        Direction direction) noexcept;

// Voice only; pings are VoiceError::UnknownType.
Result<VoicePacket> decode_legacy_voice(ByteView plaintext, Direction direction) noexcept;
Result<VoicePacket> decode_protobuf_voice(ByteView plaintext, Direction direction) noexcept;

// Encodes into out and returns the size, writing what Mumble writes: legacy
// `header ‖ [session] ‖ seq ‖ H ‖ opus ‖ [pos]`; protobuf `00 ‖ fixed part ‖ positional ‖
// [volume] ‖ target/context` (always present, even 0). Errors: BadTarget, TooLong (legacy Opus
// above 8191 bytes or a result above kMaxUdpPlaintextSize), EmptyOpus (protobuf),
// BufferTooSmall. kMaxUdpPlaintextSize bytes of out always suffice.
Result<std::size_t> encode_voice(const VoicePacket& packet, UdpFormat format, Direction direction,
                                 MutableByteView out) noexcept;

}  // namespace plenum::protocol
