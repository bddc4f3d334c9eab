#include "protocol/voice_packet.hpp"

#include "unit/protocol/voice_fixtures.hpp"

#include "MumbleUDP.pb.h"

#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace plenum::protocol;
using plenum::protocol::testing::hex;
using plenum::protocol::testing::Rng;
using plenum::protocol::testing::same_voice;
using plenum::protocol::testing::to_hex;

namespace {

constexpr auto kToServer = Direction::ToServer;
constexpr auto kToClient = Direction::ToClient;
constexpr auto kLegacy = UdpFormat::Legacy;
constexpr auto kProtobuf = UdpFormat::Protobuf;
constexpr Position kPos123{1.0F, 2.0F, 3.0F};

struct Buffer {
  std::array<std::byte, 2048> bytes{};
  std::size_t size = 0;
  ByteView view() const { return ByteView{bytes}.first(size); }
};

Buffer encode(const VoicePacket& packet, UdpFormat format, Direction direction) {
  Buffer out;
  const auto size = encode_voice(packet, format, direction, out.bytes);
  REQUIRE_MESSAGE(size.has_value(), size.error().message());
  out.size = *size;
  return out;
}

VoicePacket decode(ByteView plaintext, UdpFormat format, Direction direction) {
  const auto message = decode_udp_plaintext(plaintext, format, direction);
  REQUIRE_MESSAGE(message.has_value(), message.error().message());
  REQUIRE(std::holds_alternative<VoicePacket>(*message));
  return std::get<VoicePacket>(*message);
}

boost::system::error_code decode_error(ByteView plaintext, UdpFormat format, Direction direction) {
  const auto message = decode_udp_plaintext(plaintext, format, direction);
  REQUIRE_FALSE(message.has_value());
  return message.error();
}

struct KnownPacket {
  const char* what;
  UdpFormat format;
  Direction direction;
  const char* bytes;
  VoicePacket expected;  // opus is compared by content
  const char* opus;
};

// MUMBLE_PROTOCOL.md §9.6 [observed 1.3.4] and §9.7 (what Mumble emits), every voice row.
const KnownPacket kKnownPackets[] = {
    {"C->S Opus, normal, seq 0", kLegacy, kToServer, "80 00 03 f8 ff fe", {}, "f8 ff fe"},
    {"S->C same, session 2", kLegacy, kToClient, "80 02 00 03 f8 ff fe",
     {.sender_session = 2}, "f8 ff fe"},
    {"C->S tunnel, seq 2, terminator, positional", kLegacy, kToServer,
     "80 02 a0 03 f8 ff fe 00 00 80 3f 00 00 00 40 00 00 40 40",
     {.frame_number = 2, .terminator = true, .position = kPos123}, "f8 ff fe"},
    {"S->C of that", kLegacy, kToClient,
     "80 02 02 a0 03 f8 ff fe 00 00 80 3f 00 00 00 40 00 00 40 40",
     {.sender_session = 2, .frame_number = 2, .terminator = true, .position = kPos123},
     "f8 ff fe"},
    {"loopback reply", kLegacy, kToClient, "80 02 04 03 f8 ff fe",
     {.sender_session = 2, .frame_number = 4}, "f8 ff fe"},
    {"whisper to user, sender 11", kLegacy, kToClient, "82 0b 01 01 aa",
     {.target_or_context = 2, .sender_session = 11, .frame_number = 1}, "aa"},
    {"shout to channel, sender 11", kLegacy, kToClient, "81 0b 02 01 aa",
     {.target_or_context = 1, .sender_session = 11, .frame_number = 2}, "aa"},
    {"C->S Audio, Mumble client order", kProtobuf, kToServer, "00 | 20 05 2a 03 01 02 03 08 00",
     {.frame_number = 5}, "01 02 03"},
    {"S->C Audio as murmur concatenates it", kProtobuf, kToClient,
     "00 | 18 07 20 05 2a 03 01 02 03 80 01 01 10 00",
     {.sender_session = 7, .frame_number = 5, .terminator = true}, "01 02 03"},
    {"C->S Audio target 3 with position", kProtobuf, kToServer,
     "00 | 20 ac 02 2a 01 aa 32 0c 00 00 80 3f 00 00 00 40 00 00 40 40 08 03",
     {.target_or_context = 3, .frame_number = 300, .position = kPos123}, "aa"},
};

VoicePacket random_packet(Rng& rng, std::vector<std::byte>& opus_storage,
                          UdpFormat format, Direction direction) {
  const bool protobuf = format == kProtobuf;
  const bool to_client = direction == kToClient;
  opus_storage.resize(rng() % 4 == 0 ? rng() % 900 + 1 : rng() % 120 + 1);
  for (auto& b : opus_storage) b = static_cast<std::byte>(rng());
  VoicePacket packet;
  packet.target_or_context = static_cast<std::uint8_t>(to_client ? rng() % 4 : rng() % 32);
  if (to_client) packet.sender_session = static_cast<std::uint32_t>(rng() >> (rng() % 32));
  packet.frame_number = (std::uint64_t{rng()} << 32 | rng()) >> (rng() % 64);
  packet.opus = opus_storage;
  packet.terminator = rng() % 2 == 0;
  if (rng() % 3 == 0) {
    packet.position = Position{std::bit_cast<float>(static_cast<std::uint32_t>(rng())),
                               static_cast<float>(rng() % 1000) / 8.0F, -1.5F};
  }
  if (protobuf && to_client && rng() % 2 == 0) {
    packet.volume_adjustment = static_cast<float>(rng() % 40 + 1) / 16.0F;
  }
  return packet;
}

}  // namespace

TEST_SUITE("voice_packet") {
  TEST_CASE("decodes every known packet of §9.6 and §9.7") {
    for (const auto& known : kKnownPackets) {
      CAPTURE(known.what);
      const Bytes bytes = hex(known.bytes);
      const VoicePacket packet = decode(bytes, known.format, known.direction);
      VoicePacket expected = known.expected;
      const Bytes opus = hex(known.opus);
      expected.opus = opus;
      CHECK(same_voice(packet, expected));
      // The Opus view points into the datagram: nothing was copied.
      CHECK(packet.opus.data() >= bytes.data());
      CHECK(packet.opus.data() + packet.opus.size() <= bytes.data() + bytes.size());
    }
  }

  TEST_CASE("re-encodes every known packet byte for byte") {
    for (const auto& known : kKnownPackets) {
      CAPTURE(known.what);
      const Bytes bytes = hex(known.bytes);
      const VoicePacket packet = decode(bytes, known.format, known.direction);
      CHECK(to_hex(encode(packet, known.format, known.direction).view()) == to_hex(bytes));
    }
  }

  TEST_CASE("protoc's canonical field order decodes to the same packets") {
    const Bytes mumble = hex("00 | 20 05 2a 03 01 02 03 08 00");
    const Bytes canonical = hex("00 | 08 00 20 05 2a 03 01 02 03");
    CHECK(same_voice(decode(canonical, kProtobuf, kToServer), decode(mumble, kProtobuf, kToServer)));
    const Bytes positional = hex("00 | 08 03 20 ac 02 2a 01 aa 32 0c 00 00 80 3f 00 00 00 40 00 00 40 40");
    const VoicePacket packet = decode(positional, kProtobuf, kToServer);
    CHECK(packet.target_or_context == 3);
    CHECK(packet.position == kPos123);
    const Bytes server = hex("00 | 10 00 18 07 20 05 2a 03 01 02 03 80 01 01");
    CHECK(decode(server, kProtobuf, kToClient).sender_session == 7);
    CHECK(decode(server, kProtobuf, kToClient).terminator);
  }

  TEST_CASE("the server inserts the sender's session exactly as murmur 1.3.4 did") {
    // §4.3 [observed]: client sent 80 00 03 f8 ff fe, listener received 80 02 00 03 f8 ff fe.
    const Bytes sent = hex("80 00 03 f8 ff fe");
    VoicePacket packet = decode(sent, kLegacy, kToServer);
    packet.sender_session = 2;
    CHECK(to_hex(encode(packet, kLegacy, kToClient).view()) == "80 02 00 03 f8 ff fe");
  }

  TEST_CASE("volume adjustment goes between positional data and context, only when not 1") {
    const Bytes opus = hex("01 02 03");
    VoicePacket packet{.target_or_context = 3, .sender_session = 7, .frame_number = 5, .opus = opus};
    packet.volume_adjustment = 0.5F;
    CHECK(to_hex(encode(packet, kProtobuf, kToClient).view()) ==
          "00 18 07 20 05 2a 03 01 02 03 3d 00 00 00 3f 10 03");
    CHECK(decode(encode(packet, kProtobuf, kToClient).view(), kProtobuf, kToClient)
              .volume_adjustment == 0.5F);
    packet.volume_adjustment = 1.0F;
    CHECK(to_hex(encode(packet, kProtobuf, kToClient).view()) == "00 18 07 20 05 2a 03 01 02 03 10 03");
    // Clients never send volume or session; 0 on the wire means 1.0.
    CHECK(to_hex(encode(packet, kProtobuf, kToServer).view()) == "00 20 05 2a 03 01 02 03 08 03");
    CHECK(decode(hex("00 2a 01 aa 3d 00 00 00 00"), kProtobuf, kToClient).volume_adjustment == 1.0F);
  }

  TEST_CASE("random packets round-trip in both formats and both directions") {
    Rng rng{11};
    std::vector<std::byte> opus;
    for (int i = 0; i < 20000; ++i) {
      const UdpFormat format = i % 2 ? kLegacy : kProtobuf;
      const Direction direction = i % 4 < 2 ? kToServer : kToClient;
      const VoicePacket packet = random_packet(rng, opus, format, direction);
      const Buffer wire = encode(packet, format, direction);
      CAPTURE(to_hex(wire.view()));
      REQUIRE(same_voice(decode(wire.view(), format, direction), packet));
      // And the same bytes as libprotobuf would read them.
      if (format == kProtobuf) {
        MumbleUDP::Audio reference;
        REQUIRE(reference.ParseFromArray(wire.bytes.data() + 1, static_cast<int>(wire.size - 1)));
        CHECK(reference.frame_number() == packet.frame_number);
        CHECK(as_bytes(reference.opus_data()).size() == packet.opus.size());
        CHECK(reference.is_terminator() == packet.terminator);
        CHECK((direction == kToClient ? reference.context() : reference.target()) ==
              packet.target_or_context);
        CHECK(reference.Header_case() == (direction == kToClient ? MumbleUDP::Audio::kContext
                                                                 : MumbleUDP::Audio::kTarget));
        CHECK(reference.positional_data_size() == (packet.position ? 3 : 0));
      }
    }
  }

  TEST_CASE("a 1.3 speaker is heard by a 1.5 listener and the reverse") {
    Rng rng{12};
    std::vector<std::byte> opus;
    for (int i = 0; i < 5000; ++i) {
      const UdpFormat from = i % 2 ? kLegacy : kProtobuf;
      const UdpFormat to = from == kLegacy ? kProtobuf : kLegacy;
      const VoicePacket spoken = random_packet(rng, opus, from, kToServer);
      const Buffer sent = encode(spoken, from, kToServer);

      // Server: decode in the speaker's format, address it, encode in the listener's.
      VoicePacket routed = decode(sent.view(), from, kToServer);
      routed.sender_session = static_cast<std::uint32_t>(rng());
      routed.target_or_context = static_cast<std::uint8_t>(rng() % 4);
      const Buffer delivered = encode(routed, to, kToClient);

      // Session and context as routed; frame, Opus, terminator and position as spoken.
      VoicePacket expected = spoken;
      expected.sender_session = routed.sender_session;
      expected.target_or_context = routed.target_or_context;
      REQUIRE(same_voice(decode(delivered.view(), to, kToClient), expected));
    }
  }

  TEST_CASE("every truncation of a legacy packet is refused unless it only drops the position") {
    for (const auto& known : kKnownPackets) {
      if (known.format != kLegacy) continue;
      const Bytes bytes = hex(known.bytes);
      for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        CAPTURE(known.what);
        CAPTURE(cut);
        const auto result = decode_udp_plaintext(ByteView{bytes}.first(cut), kLegacy, known.direction);
        const bool drops_position_only = known.expected.position && cut == bytes.size() - 12;
        CHECK(result.has_value() == drops_position_only);
      }
    }
  }

  TEST_CASE("every truncation of a protobuf packet decodes iff libprotobuf and Mumble accept it") {
    for (const auto& known : kKnownPackets) {
      if (known.format != kProtobuf) continue;
      const Bytes bytes = hex(known.bytes);
      for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
        CAPTURE(known.what);
        CAPTURE(cut);
        MumbleUDP::Audio reference;
        const bool parses = reference.ParseFromArray(bytes.data() + 1, static_cast<int>(cut - 1));
        const bool mumble_accepts = parses && !reference.opus_data().empty() &&
                                    (reference.positional_data_size() % 3) == 0 &&
                                    reference.positional_data_size() <= 3;
        const auto result = decode_udp_plaintext(ByteView{bytes}.first(cut), kProtobuf, known.direction);
        CHECK(result.has_value() == (mumble_accepts && cut >= 2));
      }
    }
  }

  TEST_CASE("non-Opus legacy codecs are recognised and refused as NotOpus") {
    for (const char* packet : {"00 00 03 f8 ff fe", "40 00 03 f8 ff fe", "60 00 03 f8 ff fe",
                               "41 05 00 02 aa bb"}) {
      CAPTURE(packet);
      CHECK(decode_error(hex(packet), kLegacy, kToServer) == VoiceError::NotOpus);
    }
    for (const char* packet : {"a0 00 01 aa", "c0 00 01 aa", "e0 00 01 aa"}) {
      CHECK(decode_error(hex(packet), kLegacy, kToServer) == VoiceError::UnknownType);
    }
    CHECK(make_error_code(VoiceError::NotOpus).category() == voice_error_category());
    CHECK(make_error_code(VoiceError::NotOpus).message() == "voice codec is not Opus");
  }

  TEST_CASE("malformed packets are refused with their reason") {
    // Trailer of neither 0 nor 12 bytes.
    CHECK(decode_error(hex("80 00 03 f8 ff fe 00 00 80 3f"), kLegacy, kToServer) ==
          VoiceError::BadPositional);
    // Opus length beyond the datagram, including the 13-bit maximum.
    CHECK(decode_error(hex("80 00 04 f8 ff fe"), kLegacy, kToServer) == VoiceError::Truncated);
    CHECK(decode_error(hex("80 00 bf ff f8 ff fe"), kLegacy, kToServer) == VoiceError::Truncated);
    // A session that does not fit 32 bits.
    CHECK(decode_error(hex("80 f4 00 00 00 01 00 00 00 00 00 01 aa"), kLegacy, kToClient) ==
          VoiceError::Malformed);
    // A seq varint nested past Mumble's limit.
    CHECK(decode_error(hex("80 f8 f8 f8 f8 f8 f8 f8 f8 f8 00 01 aa"), kLegacy, kToServer) ==
          VoiceError::Malformed);
    CHECK(decode_error(hex("80"), kLegacy, kToServer) == VoiceError::Truncated);
    CHECK(decode_error(hex("00 | 2a 01 aa 08 20"), kProtobuf, kToServer) == VoiceError::BadTarget);
    CHECK(decode_error(hex("00 | 20 05 08 00"), kProtobuf, kToServer) == VoiceError::EmptyOpus);
    CHECK(decode_error(hex("00 | 2a 01 aa 32 08 00 00 80 3f 00 00 00 40"), kProtobuf, kToServer) ==
          VoiceError::BadPositional);
    CHECK(decode_error(hex("00 | 2a 05 aa"), kProtobuf, kToServer) == VoiceError::Truncated);
    CHECK(decode_error(hex("00 | 2a 01 aa 0f"), kProtobuf, kToServer) == VoiceError::Malformed);
    CHECK(decode_error(hex("02 | 2a 01 aa"), kProtobuf, kToServer) == VoiceError::UnknownType);
    const Bytes huge(kMaxUdpPlaintextSize + 1, std::byte{0x80});
    CHECK(decode_error(huge, kLegacy, kToServer) == VoiceError::TooLong);
    CHECK(decode_error(huge, kProtobuf, kToServer) == VoiceError::TooLong);
  }

  TEST_CASE("the oneof member of the other direction reads as 0, as in Mumble") {
    // A client that wrongly sends a context: the server reads target() == 0.
    CHECK(decode(hex("00 | 2a 01 aa 10 03"), kProtobuf, kToServer).target_or_context == 0);
    CHECK(decode(hex("00 | 2a 01 aa 08 03"), kProtobuf, kToClient).target_or_context == 0);
    // Last member on the wire wins.
    CHECK(decode(hex("00 | 2a 01 aa 10 03 08 05"), kProtobuf, kToServer).target_or_context == 5);
  }

  TEST_CASE("pings come out of decode_udp_plaintext as pings") {
    const Bytes legacy = hex("20 c1 e2 40");
    const auto message = decode_udp_plaintext(legacy, kLegacy, kToServer);
    REQUIRE(message.has_value());
    REQUIRE(std::holds_alternative<LegacyPing>(*message));
    CHECK(std::get<LegacyPing>(*message).bytes.data() == legacy.data());
    CHECK(std::get<LegacyPing>(*message).bytes.size() == legacy.size());

    for (const UdpFormat format : {kLegacy, kProtobuf}) {
      // In the legacy format too: 1.5 peers that do not know our version yet send these.
      const auto ping = decode_udp_plaintext(hex("01 | 08 c0 c4 07"), format, kToServer);
      REQUIRE(ping.has_value());
      REQUIRE(std::holds_alternative<PingFields>(*ping));
      CHECK(std::get<PingFields>(*ping).timestamp == 123456);
    }
    CHECK(decode_error(hex("01 | 0f"), kLegacy, kToServer) == VoiceError::Malformed);
    CHECK(decode_error(hex("20"), kLegacy, kToServer) == VoiceError::Truncated);
  }

  TEST_CASE("legacy carries an empty Opus payload, protobuf cannot") {
    // Mumble's legacy decoder accepts a zero-length frame; its protobuf decoder refuses one.
    const VoicePacket packet = decode(hex("80 00 a0 00"), kLegacy, kToServer);
    CHECK(packet.opus.empty());
    CHECK(packet.terminator);
    std::array<std::byte, 64> out{};
    CHECK(encode_voice(packet, kLegacy, kToServer, out).value() == 4);
    CHECK(encode_voice(packet, kProtobuf, kToClient, out).error() == VoiceError::EmptyOpus);
  }

  TEST_CASE("encoders refuse what they cannot express") {
    std::vector<std::byte> opus(kMaxLegacyOpusSize + 1, std::byte{0x11});
    std::array<std::byte, 16384> big{};
    VoicePacket packet{.opus = opus};
    CHECK(encode_voice(packet, kLegacy, kToServer, big).error() == VoiceError::TooLong);
    opus.resize(1023);
    packet.opus = opus;
    CHECK(encode_voice(packet, kProtobuf, kToServer, big).error() == VoiceError::TooLong);
    CHECK(encode_voice(packet, kLegacy, kToServer, big).error() == VoiceError::TooLong);
    packet.opus = {};
    CHECK(encode_voice(packet, kProtobuf, kToServer, big).error() == VoiceError::EmptyOpus);
    packet.opus = ByteView{opus}.first(3);
    packet.target_or_context = 32;
    CHECK(encode_voice(packet, kLegacy, kToServer, big).error() == VoiceError::BadTarget);
    CHECK(encode_voice(packet, kProtobuf, kToServer, big).error() == VoiceError::BadTarget);
  }

  TEST_CASE("every buffer shorter than the packet is BufferTooSmall, and nothing is written past it") {
    for (const auto& known : kKnownPackets) {
      const Bytes bytes = hex(known.bytes);
      const VoicePacket packet = decode(bytes, known.format, known.direction);
      for (std::size_t size = 0; size < bytes.size(); ++size) {
        CAPTURE(known.what);
        CAPTURE(size);
        std::vector<std::byte> out(size);  // heap: ASan flags any write past size
        CHECK(encode_voice(packet, known.format, known.direction, out).error() ==
              VoiceError::BufferTooSmall);
      }
    }
  }

  TEST_CASE("random bytes are refused or survive a re-encode, never read out of bounds") {
    Rng rng{13};
    std::vector<std::byte> opus;
    std::array<std::byte, 2048> out{};
    int decoded = 0;
    for (int i = 0; i < 100000; ++i) {
      const UdpFormat format = i % 3 ? kLegacy : kProtobuf;
      const Direction direction = i % 5 < 2 ? kToServer : kToClient;
      // Heap-allocated at the exact size, so ASan catches a read one past the end. Half are
      // noise, half are valid packets with one byte changed, inserted or cut off.
      std::vector<std::byte> input(rng() % 40);
      for (auto& b : input) b = static_cast<std::byte>(rng());
      if (i % 2) {
        const VoicePacket packet = random_packet(rng, opus, format, direction);
        const Buffer valid = encode(packet, format, direction);
        input.assign(valid.view().begin(), valid.view().end());
        const std::size_t at = rng() % input.size();
        switch (rng() % 3) {
          case 0: input[at] = static_cast<std::byte>(rng()); break;
          case 1: input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::byte>(rng())); break;
          default: input.resize(at); break;
        }
      }
      const auto message = decode_udp_plaintext(input, format, direction);
      if (!message || !std::holds_alternative<VoicePacket>(*message)) continue;
      ++decoded;
      const VoicePacket& packet = std::get<VoicePacket>(*message);
      const auto size = encode_voice(packet, format, direction, out);
      REQUIRE(size.has_value());
      const auto again = decode_udp_plaintext(ByteView{out}.first(*size), format, direction);
      REQUIRE(again.has_value());
      VoicePacket expected = packet;
      if (direction == kToServer) expected.sender_session = 0;  // clients do not send it ...
      if (direction == kToServer || format == kLegacy) expected.volume_adjustment = 1.0F;  // nor this
      CHECK(same_voice(std::get<VoicePacket>(*again), expected));
    }
    CHECK(decoded > 10000);
  }
}
