#include "protocol/udp_protobuf.hpp"

#include "protocol/voice_error.hpp"

#include <bit>
#include <cstring>

namespace plenum::protocol {
namespace {

enum WireType : unsigned {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// libprotobuf's default recursion limit: 100 nested groups parse, 101 do not.
constexpr int kMaxGroupDepth = 100;

struct Tag {
  std::uint32_t field;
  unsigned wire_type;
};

// Reads protobuf wire primitives with libprotobuf 3.21's limits. The first failure sticks in
// error_; every later read then fails too, so callers may check once per field.
class WireReader {
 public:
  explicit WireReader(ByteView in) noexcept : in_{in} {}

  bool at_end() const noexcept { return pos_ == in_.size(); }
  VoiceError error() const noexcept { return error_; }

  // Tags are at most 5 bytes and wrap to 32 bits (ReadTag); tag 0 and field 0 are invalid.
  bool tag(Tag& out) noexcept {
    std::uint64_t value = 0;
    if (!varint_bytes(5, value)) return false;
    const auto tag32 = static_cast<std::uint32_t>(value);
    out = {tag32 >> 3, tag32 & 7};
    if (out.field == 0) return fail(VoiceError::Malformed);
    return true;
  }

  // Values are at most 10 bytes; bits past 64 are dropped, as libprotobuf does.
  bool varint(std::uint64_t& out) noexcept { return varint_bytes(10, out); }

  bool fixed32(std::uint32_t& out) noexcept {
    if (in_.size() - pos_ < 4) return fail(VoiceError::Truncated);
    out = 0;
    for (std::size_t i = 4; i > 0; --i) {
      out = (out << 8) | std::to_integer<std::uint32_t>(in_[pos_ + i - 1]);
    }
    pos_ += 4;
    return true;
  }

  bool float32(float& out) noexcept {
    std::uint32_t bits = 0;
    if (!fixed32(bits)) return false;
    out = std::bit_cast<float>(bits);
    return true;
  }

  // Lengths are at most 5 bytes and must fit in what remains.
  bool length_delimited(ByteView& out) noexcept {
    std::uint64_t size = 0;
    if (!varint_bytes(5, size)) return false;
    if (size > in_.size() - pos_) return fail(VoiceError::Truncated);
    out = in_.subspan(pos_, static_cast<std::size_t>(size));
    pos_ += static_cast<std::size_t>(size);
    return true;
  }

  // Skips an unknown field whose tag was just read. An end-group tag is handled by the caller.
  bool skip(Tag tag, int depth_left) noexcept {
    switch (tag.wire_type) {
      case kVarint: {
        std::uint64_t ignored = 0;
        return varint(ignored);
      }
      case kFixed64:
        return skip_bytes(8);
      case kLengthDelimited: {
        ByteView ignored;
        return length_delimited(ignored);
      }
      case kStartGroup:
        return skip_group(tag.field, depth_left);
      case kFixed32:
        return skip_bytes(4);
      default:  // an end group where none is open, or wire types 6 and 7
        return fail(VoiceError::Malformed);
    }
  }

 private:
  bool fail(VoiceError e) noexcept {
    if (error_ == VoiceError{}) error_ = e;
    pos_ = in_.size();
    return false;
  }

  bool varint_bytes(std::size_t max_bytes, std::uint64_t& out) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < max_bytes; ++i) {
      if (pos_ == in_.size()) return fail(VoiceError::Truncated);
      const auto b = std::to_integer<std::uint64_t>(in_[pos_++]);
      value |= (b & 0x7F) << (7 * i);  // a 10th byte contributes bit 63 only
      if ((b & 0x80) == 0) {
        out = value;
        return true;
      }
    }
    return fail(VoiceError::Malformed);
  }

  bool skip_bytes(std::size_t n) noexcept {
    if (in_.size() - pos_ < n) return fail(VoiceError::Truncated);
    pos_ += n;
    return true;
  }

  // Recursion is bounded by kMaxGroupDepth frames of a few words each.
  bool skip_group(std::uint32_t field, int depth_left) noexcept {
    if (depth_left == 0) return fail(VoiceError::Malformed);
    Tag inner{};
    while (!at_end()) {
      if (!tag(inner)) return false;
      if (inner.wire_type == kEndGroup) {
        return inner.field == field || fail(VoiceError::Malformed);
      }
      if (!skip(inner, depth_left - 1)) return false;
    }
    return fail(VoiceError::Truncated);
  }

  ByteView in_;
  std::size_t pos_ = 0;
  VoiceError error_{};
};

void add_positional(AudioFields& audio, float value) noexcept {
  if (audio.positional_count < audio.positional.size()) {
    audio.positional[audio.positional_count] = value;
  }
  ++audio.positional_count;
}

bool read_packed_floats(WireReader& in, AudioFields& audio) noexcept {
  ByteView packed;
  if (!in.length_delimited(packed)) return false;
  // libprotobuf rejects a packed fixed-size field whose length is not a multiple of the size.
  if (packed.size() % 4 != 0) return false;
  WireReader floats{packed};
  float value = 0.0F;
  while (!floats.at_end()) {
    floats.float32(value);
    add_positional(audio, value);
  }
  return true;
}

// Reads one field of Audio; false on error (or a packed-size error, reported as Malformed).
bool read_audio_field(WireReader& in, Tag tag, AudioFields& audio) noexcept {
  std::uint64_t value = 0;
  switch (tag.field * 8 + tag.wire_type) {
    case 1 * 8 + kVarint:
    case 2 * 8 + kVarint:
      if (!in.varint(value)) return false;
      audio.header = tag.field == 1 ? AudioFields::Header::Target : AudioFields::Header::Context;
      audio.header_value = static_cast<std::uint32_t>(value);
      return true;
    case 3 * 8 + kVarint:
      if (!in.varint(value)) return false;
      audio.sender_session = static_cast<std::uint32_t>(value);
      return true;
    case 4 * 8 + kVarint:
      return in.varint(audio.frame_number);
    case 5 * 8 + kLengthDelimited:
      return in.length_delimited(audio.opus_data);
    case 6 * 8 + kLengthDelimited:
      return read_packed_floats(in, audio);
    case 6 * 8 + kFixed32: {
      float single = 0.0F;
      if (!in.float32(single)) return false;
      add_positional(audio, single);
      return true;
    }
    case 7 * 8 + kFixed32:
      return in.float32(audio.volume_adjustment);
    case 16 * 8 + kVarint:
      if (!in.varint(value)) return false;
      audio.is_terminator = value != 0;
      return true;
    default:  // unknown field, or a known one with another wire type: libprotobuf skips both
      return in.skip(tag, kMaxGroupDepth);
  }
}

bool read_ping_field(WireReader& in, Tag tag, PingFields& ping) noexcept {
  std::uint64_t value = 0;
  if (tag.wire_type != kVarint || tag.field > 6) return in.skip(tag, kMaxGroupDepth);
  if (!in.varint(value)) return false;
  switch (tag.field) {
    case 1:
      ping.timestamp = value;
      break;
    case 2:
      ping.request_extended_information = value != 0;
      break;
    case 3:
      ping.server_version_v2 = value;
      break;
    case 4:
      ping.user_count = static_cast<std::uint32_t>(value);
      break;
    case 5:
      ping.max_user_count = static_cast<std::uint32_t>(value);
      break;
    default:
      ping.max_bandwidth_per_user = static_cast<std::uint32_t>(value);
      break;
  }
  return true;
}

template <class Fields, class ReadField>
boost::system::error_code parse_message(ByteView message, Fields& fields,
                                        ReadField read_field) noexcept {
  fields = Fields{};
  WireReader in{message};
  Tag tag{};
  while (!in.at_end()) {
    if (!in.tag(tag) || !read_field(in, tag, fields)) {
      const VoiceError e = in.error();
      return make_error_code(e == VoiceError{} ? VoiceError::Malformed : e);
    }
  }
  return {};
}

}  // namespace

boost::system::error_code parse_audio_fields(ByteView message, AudioFields& out) noexcept {
  return parse_message(message, out, read_audio_field);
}

Result<AudioFields> parse_audio_fields(ByteView message) noexcept {
  AudioFields fields;
  if (const auto e = parse_message(message, fields, read_audio_field)) return e;
  return fields;
}

Result<PingFields> parse_ping_fields(ByteView message) noexcept {
  PingFields fields;
  if (const auto e = parse_message(message, fields, read_ping_field)) return e;
  return fields;
}

bool WireWriter::reserve(std::size_t n) noexcept {
  if (overflowed_ || out_.size() - size_ < n) {
    overflowed_ = true;
    return false;
  }
  return true;
}

void WireWriter::raw_byte(std::byte b) noexcept {
  if (reserve(1)) out_[size_++] = b;
}

void WireWriter::varint(std::uint64_t value) noexcept {
  std::byte encoded[10];
  std::size_t n = 0;
  while (value >= 0x80) {
    encoded[n++] = static_cast<std::byte>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  encoded[n++] = static_cast<std::byte>(value);
  bytes({encoded, n});
}

void WireWriter::fixed32(std::uint32_t value) noexcept {
  const std::byte encoded[4] = {
      static_cast<std::byte>(value & 0xFF), static_cast<std::byte>((value >> 8) & 0xFF),
      static_cast<std::byte>((value >> 16) & 0xFF), static_cast<std::byte>(value >> 24)};
  bytes(encoded);
}

void WireWriter::bytes(ByteView value) noexcept {
  if (!reserve(value.size()) || value.empty()) return;
  std::memcpy(out_.data() + size_, value.data(), value.size());
  size_ += value.size();
}

void WireWriter::varint_field(std::uint32_t field, std::uint64_t value) noexcept {
  varint(std::uint64_t{field} << 3 | kVarint);
  varint(value);
}

void WireWriter::bytes_field(std::uint32_t field, ByteView value) noexcept {
  varint(std::uint64_t{field} << 3 | kLengthDelimited);
  varint(value.size());
  bytes(value);
}

void WireWriter::float_field(std::uint32_t field, float value) noexcept {
  varint(std::uint64_t{field} << 3 | kFixed32);
  fixed32(std::bit_cast<std::uint32_t>(value));
}

void WireWriter::packed_floats_field(std::uint32_t field, std::span<const float> values) noexcept {
  varint(std::uint64_t{field} << 3 | kLengthDelimited);
  varint(values.size() * 4);
  for (const float value : values) fixed32(std::bit_cast<std::uint32_t>(value));
}

void write_ping_fields(const PingFields& ping, WireWriter& out) noexcept {
  if (ping.timestamp != 0) out.varint_field(1, ping.timestamp);
  if (ping.request_extended_information) out.varint_field(2, 1);
  if (ping.server_version_v2 != 0) out.varint_field(3, ping.server_version_v2);
  if (ping.user_count != 0) out.varint_field(4, ping.user_count);
  if (ping.max_user_count != 0) out.varint_field(5, ping.max_user_count);
  if (ping.max_bandwidth_per_user != 0) out.varint_field(6, ping.max_bandwidth_per_user);
}

}  // namespace plenum::protocol
