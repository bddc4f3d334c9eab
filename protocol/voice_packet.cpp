#include "protocol/voice_packet.hpp"

#include "protocol/varint.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace plenum::protocol {
namespace {

constexpr std::uint64_t kOpusLengthMask = 0x1FFF;
constexpr std::uint64_t kOpusTerminatorBit = 0x2000;
constexpr std::size_t kPositionSize = 12;

// MumbleUDP.Audio field numbers.
constexpr std::uint32_t kTargetField = 1;
constexpr std::uint32_t kContextField = 2;
constexpr std::uint32_t kSenderSessionField = 3;
constexpr std::uint32_t kFrameNumberField = 4;
constexpr std::uint32_t kOpusDataField = 5;
constexpr std::uint32_t kPositionalDataField = 6;
constexpr std::uint32_t kVolumeAdjustmentField = 7;
constexpr std::uint32_t kIsTerminatorField = 16;

boost::system::error_code error(VoiceError e) noexcept { return make_error_code(e); }

VoiceError from_varint_error(const boost::system::error_code& e) noexcept {
  return e == VarintError::Truncated ? VoiceError::Truncated : VoiceError::Malformed;
}

// Positional floats are raw IEEE-754 in the sender's byte order; every Mumble platform is
// little-endian, so the wire is too (§4.2).
float get_le_float(const std::byte* in) noexcept {
  std::uint32_t bits = 0;
  for (std::size_t i = 4; i > 0; --i) bits = (bits << 8) | std::to_integer<std::uint32_t>(in[i - 1]);
  return std::bit_cast<float>(bits);
}

void put_le_float(float value, std::byte* out) noexcept {
  auto bits = std::bit_cast<std::uint32_t>(value);
  for (std::size_t i = 0; i < 4; ++i, bits >>= 8) out[i] = static_cast<std::byte>(bits & 0xFF);
}

// Cursor over a legacy packet's bytes after the header. The first failure sticks.
struct LegacyReader {
  ByteView rest;
  VoiceError failure{};

  std::uint64_t varint() noexcept {
    if (failure != VoiceError{}) return 0;
    const auto value = read_varint(rest);
    if (value) return *value;
    failure = from_varint_error(value.error());
    return 0;
  }
};

// Decoders fill the caller's packet and return an error or {}: building the packet in place
// instead of passing it up through nested Results halves the decode time (voice_packet_bench).
VoiceError decode_legacy_opus(ByteView plaintext, Direction direction, VoicePacket& packet) noexcept {
  packet.target_or_context = static_cast<std::uint8_t>(std::to_integer<unsigned>(plaintext[0]) & 0x1F);
  LegacyReader in{plaintext.subspan(1)};
  if (direction == Direction::ToClient) {
    const std::uint64_t session = in.varint();
    if (session > std::numeric_limits<std::uint32_t>::max()) return VoiceError::Malformed;
    packet.sender_session = static_cast<std::uint32_t>(session);
  }
  packet.frame_number = in.varint();
  // Bits above the terminator are ignored, as Mumble's decoders do.
  const std::uint64_t opus_header = in.varint();
  if (in.failure != VoiceError{}) return in.failure;
  const auto opus_size = static_cast<std::size_t>(opus_header & kOpusLengthMask);
  packet.terminator = (opus_header & kOpusTerminatorBit) != 0;
  if (opus_size > in.rest.size()) return VoiceError::Truncated;
  packet.opus = in.rest.first(opus_size);
  const ByteView trailer = in.rest.subspan(opus_size);

  if (trailer.size() == kPositionSize) {
    packet.position = Position{get_le_float(trailer.data()), get_le_float(trailer.data() + 4),
                               get_le_float(trailer.data() + 8)};
  } else if (!trailer.empty()) {
    return VoiceError::BadPositional;
  }
  return {};
}

VoiceError decode_legacy_into(ByteView plaintext, Direction direction, VoicePacket& packet) noexcept {
  if (plaintext.size() > kMaxUdpPlaintextSize) return VoiceError::TooLong;
  if (plaintext.empty()) return VoiceError::Truncated;
  switch (static_cast<LegacyType>(std::to_integer<unsigned>(plaintext[0]) >> 5)) {
    case LegacyType::Opus:
      return decode_legacy_opus(plaintext, direction, packet);
    case LegacyType::CeltAlpha:
    case LegacyType::Speex:
    case LegacyType::CeltBeta:
      return VoiceError::NotOpus;
    default:
      return VoiceError::UnknownType;
  }
}

VoiceError decode_protobuf_into(ByteView plaintext, Direction direction, VoicePacket& packet) noexcept {
  if (plaintext.size() > kMaxUdpPlaintextSize) return VoiceError::TooLong;
  if (plaintext.size() < 2) return VoiceError::Truncated;
  if (plaintext[0] != static_cast<std::byte>(ProtobufType::Audio)) return VoiceError::UnknownType;
  AudioFields fields;
  if (const auto e = parse_audio_fields(plaintext.subspan(1), fields)) {
    return static_cast<VoiceError>(e.value());
  }
  // Like Mumble, read only the member of the oneof that this direction uses; the other reads 0.
  const auto wanted = direction == Direction::ToServer ? AudioFields::Header::Target
                                                       : AudioFields::Header::Context;
  const std::uint32_t header = fields.header == wanted ? fields.header_value : 0;
  if (header > kMaxTargetOrContext) return VoiceError::BadTarget;
  if (fields.opus_data.empty()) return VoiceError::EmptyOpus;
  if (fields.positional_count != 0 && fields.positional_count != 3) return VoiceError::BadPositional;
  packet.target_or_context = static_cast<std::uint8_t>(header);
  packet.sender_session = fields.sender_session;
  packet.frame_number = fields.frame_number;
  packet.opus = fields.opus_data;
  packet.terminator = fields.is_terminator;
  if (fields.positional_count == 3) packet.position = fields.positional;
  if (fields.volume_adjustment != 0.0F) packet.volume_adjustment = fields.volume_adjustment;
  return {};
}

Result<std::size_t> encode_legacy(const VoicePacket& packet, Direction direction,
                                  MutableByteView out) noexcept {
  if (packet.opus.size() > kMaxLegacyOpusSize) return error(VoiceError::TooLong);
  if (out.empty()) return error(VoiceError::BufferTooSmall);
  out[0] = static_cast<std::byte>(static_cast<unsigned>(LegacyType::Opus) << 5 |
                                  packet.target_or_context);
  std::size_t size = 1;
  const auto put_varint = [&](std::uint64_t value) {
    const std::size_t n = write_varint(value, out.subspan(size));
    size += n;
    return n != 0;
  };
  if (direction == Direction::ToClient && !put_varint(packet.sender_session)) {
    return error(VoiceError::BufferTooSmall);
  }
  const std::uint64_t opus_header =
      packet.opus.size() | (packet.terminator ? kOpusTerminatorBit : 0);
  if (!put_varint(packet.frame_number) || !put_varint(opus_header)) {
    return error(VoiceError::BufferTooSmall);
  }
  const std::size_t trailer = packet.position ? kPositionSize : 0;
  if (out.size() - size < packet.opus.size() + trailer) return error(VoiceError::BufferTooSmall);
  if (!packet.opus.empty()) std::memcpy(out.data() + size, packet.opus.data(), packet.opus.size());
  size += packet.opus.size();
  if (packet.position) {
    for (const float coordinate : *packet.position) {
      put_le_float(coordinate, out.data() + size);
      size += 4;
    }
  }
  return size;
}

// Mumble splits the message into a part shared by all listeners (session, frame, opus,
// terminator), then positional data, volume and the per-listener target or context, relying
// on protobuf's concatenation rule (MumbleProtocol.cpp). Emitting the same order keeps our
// output byte-identical to murmur's and to Mumble clients'.
Result<std::size_t> encode_protobuf(const VoicePacket& packet, Direction direction,
                                    MutableByteView out) noexcept {
  if (packet.opus.empty()) return error(VoiceError::EmptyOpus);
  WireWriter writer{out};
  writer.raw_byte(static_cast<std::byte>(ProtobufType::Audio));
  const bool to_client = direction == Direction::ToClient;
  if (to_client && packet.sender_session != 0) {
    writer.varint_field(kSenderSessionField, packet.sender_session);
  }
  if (packet.frame_number != 0) writer.varint_field(kFrameNumberField, packet.frame_number);
  writer.bytes_field(kOpusDataField, packet.opus);
  if (packet.terminator) writer.varint_field(kIsTerminatorField, 1);
  if (packet.position) writer.packed_floats_field(kPositionalDataField, *packet.position);
  if (to_client && packet.volume_adjustment != 1.0F && packet.volume_adjustment != 0.0F) {
    writer.float_field(kVolumeAdjustmentField, packet.volume_adjustment);
  }
  writer.varint_field(to_client ? kContextField : kTargetField, packet.target_or_context);
  if (writer.overflowed()) return error(VoiceError::BufferTooSmall);
  return writer.size();
}

}  // namespace

Result<VoicePacket> decode_legacy_voice(ByteView plaintext, Direction direction) noexcept {
  VoicePacket packet;
  if (const VoiceError e = decode_legacy_into(plaintext, direction, packet); e != VoiceError{}) {
    return error(e);
  }
  return packet;
}

Result<VoicePacket> decode_protobuf_voice(ByteView plaintext, Direction direction) noexcept {
  VoicePacket packet;
  if (const VoiceError e = decode_protobuf_into(plaintext, direction, packet); e != VoiceError{}) {
    return error(e);
  }
  return packet;
}

Result<UdpMessage> decode_udp_plaintext(ByteView plaintext, UdpFormat format,
                                        Direction direction) noexcept {
  if (plaintext.size() > kMaxUdpPlaintextSize) return error(VoiceError::TooLong);
  // A lone header byte is invalid in both formats (Mumble's UDPDecoder::decode).
  if (plaintext.size() < 2) return error(VoiceError::Truncated);
  const auto first = std::to_integer<unsigned>(plaintext[0]);
  if (first == static_cast<unsigned>(ProtobufType::Ping)) {
    auto ping = parse_protobuf_ping(plaintext);
    if (!ping) return ping.error();
    return UdpMessage{*ping};
  }
  if (format == UdpFormat::Legacy && (first >> 5) == static_cast<unsigned>(LegacyType::Ping)) {
    return UdpMessage{LegacyPing{plaintext}};
  }
  Result<UdpMessage> result{boost::system::in_place_value, std::in_place_type<VoicePacket>};
  VoicePacket& packet = *std::get_if<VoicePacket>(&*result);
  const VoiceError e = format == UdpFormat::Legacy
                           ? decode_legacy_into(plaintext, direction, packet)
                           : decode_protobuf_into(plaintext, direction, packet);
  if (e != VoiceError{}) result = error(e);
  return result;
}

Result<std::size_t> encode_voice(const VoicePacket& packet, UdpFormat format, Direction direction,
                                 MutableByteView out) noexcept {
  if (packet.target_or_context > kMaxTargetOrContext) return error(VoiceError::BadTarget);
  // Nothing larger may be sent, so a packet that overflows the first kMaxUdpPlaintextSize
  // bytes of a large enough buffer is too long rather than the buffer too small.
  const bool capped = out.size() >= kMaxUdpPlaintextSize;
  out = out.first(std::min(out.size(), kMaxUdpPlaintextSize));
  auto size = format == UdpFormat::Legacy ? encode_legacy(packet, direction, out)
                                          : encode_protobuf(packet, direction, out);
  if (capped && !size && size.error() == VoiceError::BufferTooSmall) {
    return error(VoiceError::TooLong);
  }
  return size;
}

}  // namespace plenum::protocol
