// Fuzzes the control-channel read path as a session runs it: a FrameReader fed in chunks the
// input chooses, every frame decoded, every decoded message re-encoded and read back.
// Input layout: byte 0 seeds the chunk sizes, the rest is the TCP byte stream.
#include "protocol/control_frame.hpp"
#include "protocol/control_message.hpp"
#include "protocol/version.hpp"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <variant>
#include <vector>

using namespace plenum::protocol;

namespace {

// Debug builds of the generated code log each invalid UTF-8 string; fuzz inputs are full of them.
[[maybe_unused]] const bool kProtobufLogsSilenced = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

void require(bool condition) {
  if (!condition) std::abort();
}

struct OwnedFrame {
  std::uint16_t type;
  Bytes payload;
  bool operator==(const OwnedFrame&) const = default;
};

struct ReadResult {
  std::vector<OwnedFrame> frames;
  bool failed = false;
  bool operator==(const ReadResult&) const = default;
};

// A re-encoded message must come out of a fresh reader whole, decode again, and encode to the
// same bytes (encoding is a fixed point after one decode).
void check_reencoding(const ControlMessage& msg) {
  const Bytes encoded = encode_frame(msg);
  FrameReader reader;
  reader.feed(encoded);
  auto frame = reader.next();
  require(frame.has_value() && frame->has_value());
  require((*frame)->type == static_cast<std::uint16_t>(type_of(msg)));
  require(reader.buffered() == 0);
  auto again = decode_control_message((*frame)->type, (*frame)->payload);
  require(again.has_value());
  require(again->index() == msg.index());
  require(encode_frame(*again) == encoded);
}

void exercise(const FrameView& frame) {
  auto decoded = decode_control_message(frame.type, frame.payload);
  if (!decoded) {
    const bool known = message_type_from_wire(frame.type).has_value();
    require(decoded.error() == (known ? ControlError::Undecodable : ControlError::UnknownType));
    require(!decoded.error().message().empty());
    return;
  }
  const ControlMessage& msg = *decoded;
  require(static_cast<std::uint16_t>(type_of(msg)) == frame.type);
  require(!to_string(type_of(msg)).empty());
  std::visit(
      [&frame](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, TunnelPacket>) {
          require(m.packet == Bytes(frame.payload.begin(), frame.payload.end()));
        } else {
          require(m.IsInitialized());
          require(m.ByteSizeLong() <= kMaxFramePayload);
          if constexpr (std::is_same_v<M, MumbleProto::Version>) {
            const Version v = version_of(m);
            require(!to_string(v).empty());
            require(udp_format_for(v) == (v >= Version{1, 5, 0} ? UdpFormat::Protobuf
                                                                  : UdpFormat::Legacy));
            require(from_v2(to_v2(v)) == v);
          }
        }
      },
      msg);
  check_reencoding(msg);
}

// Reads the stream in chunks whose sizes come from a small generator seeded by the input.
ReadResult read_stream(ByteView stream, std::uint8_t seed, bool chunked) {
  ReadResult result;
  FrameReader reader;
  std::uint32_t state = 0x9E3779B9u ^ seed;
  const std::size_t max_chunk = std::size_t{1} << (seed % 8);  // 1 .. 128 bytes
  for (std::size_t pos = 0; pos < stream.size() && !result.failed;) {
    std::size_t n = stream.size() - pos;
    if (chunked) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      n = std::min<std::size_t>(n, 1 + state % max_chunk);
    }
    if (seed & 0x80) {
      const MutableByteView space = reader.prepare(n + (state % 3));
      std::copy_n(stream.data() + pos, n, space.data());
      reader.commit(n);
    } else {
      reader.feed(stream.subspan(pos, n));
    }
    pos += n;
    for (;;) {
      auto next = reader.next();
      if (!next) {
        require(next.error() == FrameError::PayloadTooLarge);
        require(reader.failed() && reader.buffered() == 0);
        result.failed = true;
        break;
      }
      if (!next->has_value()) break;
      const FrameView frame = **next;
      require(frame.payload.size() <= kMaxFramePayload);
      result.frames.push_back({frame.type, Bytes(frame.payload.begin(), frame.payload.end())});
      if (chunked) exercise(frame);
    }
    require(reader.buffered() <= stream.size());
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView stream{reinterpret_cast<const std::byte*>(data) + 1, size - 1};
  const ReadResult chunked = read_stream(stream, data[0], true);
  // However the stream is cut, the frames (and the failure) are the same as in one piece.
  require(chunked == read_stream(stream, data[0], false));
  return 0;
}
