// Allocation-free protobuf wire reader and writer for MumbleUDP.Audio and MumbleUDP.Ping (the
// 1.5+ UDP format, MUMBLE_PROTOCOL.md §4.6). The voice path uses these instead of the generated
// classes: no heap, views into the datagram. Pure functions, any thread.
//
// The readers accept exactly what libprotobuf 3.21's ParseFromArray accepts and yield the same
// field values (tests/unit/protocol/udp_protobuf_test.cpp and the protobuf_udp fuzzer check this
// against the generated classes): any field order, last value wins, oneof last case wins,
// unknown fields (groups included) skipped, packed and unpacked floats.
#pragma once

#include "protocol/bytes.hpp"

#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace plenum::protocol {

// MumbleUDP.Audio as parsed, before Mumble's own checks (empty Opus, positional count).
struct AudioFields {
  enum class Header : std::uint8_t { None, Target, Context };  // the oneof's case
  Header header = Header::None;
  std::uint32_t header_value = 0;
  std::uint32_t sender_session = 0;
  std::uint64_t frame_number = 0;
  ByteView opus_data{};
  std::size_t positional_count = 0;   // how many floats arrived (any number is valid protobuf)
  std::array<float, 3> positional{};  // the first three of them
  float volume_adjustment = 0.0F;
  bool is_terminator = false;
};

// MumbleUDP.Ping: connectivity ping (timestamp only) or server query (the rest).
struct PingFields {
  std::uint64_t timestamp = 0;
  bool request_extended_information = false;
  std::uint64_t server_version_v2 = 0;
  std::uint32_t user_count = 0;
  std::uint32_t max_user_count = 0;
  std::uint32_t max_bandwidth_per_user = 0;

  bool operator==(const PingFields&) const = default;
};

// Both return VoiceError::Truncated when the message ends inside a field and
// VoiceError::Malformed for anything else libprotobuf refuses.
Result<AudioFields> parse_audio_fields(ByteView message) noexcept;
Result<PingFields> parse_ping_fields(ByteView message) noexcept;

// The same, filling a caller's object (reset first) and returning the error or {}: the voice
// path decodes straight into its packet, since copying these structs through nested Results
// cost more than the parse itself (voice_packet_bench).
boost::system::error_code parse_audio_fields(ByteView message, AudioFields& out) noexcept;

// Appends protobuf fields to a caller's buffer. Once a write does not fit, the writer stops
// writing and overflowed() stays true; size() is then meaningless.
class WireWriter {
 public:
  explicit WireWriter(MutableByteView out) noexcept : out_{out} {}

  void raw_byte(std::byte b) noexcept;
  // Writes the field even when value is 0 (oneof members and explicit zeros need that).
  void varint_field(std::uint32_t field, std::uint64_t value) noexcept;
  void bytes_field(std::uint32_t field, ByteView value) noexcept;
  void float_field(std::uint32_t field, float value) noexcept;
  void packed_floats_field(std::uint32_t field, std::span<const float> values) noexcept;

  bool overflowed() const noexcept { return overflowed_; }
  std::size_t size() const noexcept { return size_; }

 private:
  void varint(std::uint64_t value) noexcept;
  void fixed32(std::uint32_t value) noexcept;
  void bytes(ByteView value) noexcept;
  bool reserve(std::size_t n) noexcept;

  MutableByteView out_;
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

// Canonical (libprotobuf) serialisation: fields in number order, proto3 zero values omitted.
// This is also what Mumble sends for pings.
void write_ping_fields(const PingFields& ping, WireWriter& out) noexcept;

}  // namespace plenum::protocol
