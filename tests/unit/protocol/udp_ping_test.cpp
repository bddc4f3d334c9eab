#include "protocol/udp_ping.hpp"

#include "protocol/voice_error.hpp"
#include "protocol/voice_packet.hpp"
#include "unit/protocol/voice_fixtures.hpp"

#include "MumbleUDP.pb.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

using namespace plenum::protocol;
using plenum::protocol::testing::hex;
using plenum::protocol::testing::to_hex;

namespace {

template <class Encode>
std::string encoded_hex(Encode encode) {
  std::array<std::byte, 64> out{};
  const auto size = encode(MutableByteView{out});
  REQUIRE_MESSAGE(size.has_value(), size.error().message());
  return to_hex(ByteView{out}.first(*size));
}

// §4.5 [observed 1.3.4]: Debian's murmurd with 0 users, users=10, bandwidth=72000.
const ServerStatus kMurmur134{.version = {1, 3, 4}, .user_count = 0, .max_user_count = 10,
                              .max_bandwidth_bps = 72000};
// §9.7: Ping{1, v2 1.5.0, 3 users, 100 max, 558000}.
const ServerStatus kServer150{.version = {1, 5, 0}, .user_count = 3, .max_user_count = 100,
                              .max_bandwidth_bps = 558000};

}  // namespace

TEST_SUITE("udp_ping") {
  TEST_CASE("legacy connectivity ping: 0x20 then the varint timestamp (§9.6)") {
    CHECK(encoded_hex([](MutableByteView out) { return encode_legacy_ping(123456, out); }) ==
          "20 c1 e2 40");
    CHECK(parse_legacy_ping(hex("20 c1 e2 40")).value() == 123456);
    CHECK(parse_legacy_ping(hex("20 c1 e2")).error() == VoiceError::Truncated);
    CHECK(parse_legacy_ping(hex("20 c1 e2 40 00")).error() == VoiceError::Malformed);
    CHECK(parse_legacy_ping(hex("80 00")).error() == VoiceError::NotPing);
  }

  TEST_CASE("the server echoes any legacy ping verbatim, Humla's 16-byte form included") {
    for (const char* ping : {"20 c1 e2 40", "20 00 00 01 8b 7a 3c 11 22 00 00 00 00 00 00 00",
                             "3f 01"}) {
      const Bytes bytes = hex(ping);
      const auto message = decode_udp_plaintext(bytes, UdpFormat::Legacy, Direction::ToServer);
      REQUIRE(message.has_value());
      REQUIRE(std::holds_alternative<LegacyPing>(*message));
      CHECK(to_hex(std::get<LegacyPing>(*message).bytes) == to_hex(bytes));
    }
  }

  TEST_CASE("protobuf connectivity ping: 0x01 then Ping{timestamp} (§9.7)") {
    CHECK(encoded_hex([](MutableByteView out) {
            return encode_protobuf_ping({.timestamp = 123456}, out);
          }) == "01 08 c0 c4 07");
    CHECK(parse_protobuf_ping(hex("01 08 c0 c4 07")).value() == PingFields{.timestamp = 123456});
    CHECK(parse_protobuf_ping(hex("01")).error() == VoiceError::Truncated);
    CHECK(encoded_hex([](MutableByteView out) { return encode_protobuf_ping({}, out); }) == "01");
    CHECK(parse_protobuf_ping(hex("00 08 01")).error() == VoiceError::NotPing);
  }

  TEST_CASE("legacy query: 12-byte request, 24-byte reply as murmurd 1.3.4 sends it") {
    const auto request = parse_query_request(hex("00000000 0102030405060708"));
    REQUIRE(request.has_value());
    CHECK(request->format == UdpFormat::Legacy);
    CHECK(to_hex(request->legacy_token) == "01 02 03 04 05 06 07 08");
    const QueryReply reply{.request = *request, .status = kMurmur134};
    CHECK(encoded_hex([&](MutableByteView out) { return encode_query_reply(reply, out); }) ==
          to_hex(hex("00010304 0102030405060708 00000000 0000000a 00011940")));
    CHECK(parse_query_reply(hex("00010304 0102030405060708 00000000 0000000a 00011940")).value() ==
          reply);
    CHECK(encoded_hex([&](MutableByteView out) { return encode_query_request(*request, out); }) ==
          to_hex(hex("00000000 0102030405060708")));
  }

  TEST_CASE("protobuf query: Ping{timestamp, request_extended_information} and its reply (§9.7)") {
    const auto request = parse_query_request(hex("01 | 08 01 10 01"));
    REQUIRE(request.has_value());
    CHECK(request->format == UdpFormat::Protobuf);
    CHECK(request->timestamp == 1);
    CHECK(encoded_hex([&](MutableByteView out) { return encode_query_request(*request, out); }) ==
          "01 08 01 10 01");
    const QueryReply reply{.request = *request, .status = kServer150};
    const std::string expected = "01 08 01 18 80 80 80 80 d0 80 40 20 03 28 64 30 b0 87 22";
    CHECK(encoded_hex([&](MutableByteView out) { return encode_query_reply(reply, out); }) ==
          expected);
    CHECK(parse_query_reply(hex(expected)).value() == reply);
    // And libprotobuf reads the same values from it.
    const Bytes bytes = hex(expected);
    MumbleUDP::Ping ping;
    REQUIRE(ping.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)));
    CHECK(ping.server_version_v2() == 0x0001000500000000ULL);
    CHECK(ping.max_bandwidth_per_user() == 558000);
  }

  TEST_CASE("anything else is not a query") {
    for (const char* datagram :
         {"", "00000000 01020304050607", "00000000 010203040506070809", "00000001 0102030405060708",
          "01 | 08 01", "01 | 08 01 10 00", "20 c1 e2 40", "80 00 03 f8 ff fe"}) {
      CAPTURE(datagram);
      CHECK(parse_query_request(hex(datagram)).error() == VoiceError::NotPing);
    }
    CHECK(parse_query_request(hex("01 | 08")).error() == VoiceError::Truncated);
    // A reply without server version carries no information (Mumble's rule).
    CHECK(parse_query_reply(hex("01 | 08 01 20 03")).error() == VoiceError::NotPing);
    CHECK(parse_query_reply(hex("00010304 0102030405060708 00000000 0000000a 000119")).error() ==
          VoiceError::NotPing);
  }

  TEST_CASE("every encoder reports BufferTooSmall instead of writing past the buffer") {
    const QueryRequest legacy{.format = UdpFormat::Legacy};
    const QueryRequest protobuf{.format = UdpFormat::Protobuf, .timestamp = 1ULL << 60};
    for (std::size_t size = 0; size < 24; ++size) {
      std::vector<std::byte> out(size);  // heap: ASan flags writes past size
      CAPTURE(size);
      if (size < 10) {
        CHECK(encode_legacy_ping(~0ULL >> 1, out).error() == VoiceError::BufferTooSmall);
        CHECK(encode_protobuf_ping({.timestamp = 1ULL << 60}, out).error() == VoiceError::BufferTooSmall);
      }
      if (size < 12) CHECK(encode_query_request(legacy, out).error() == VoiceError::BufferTooSmall);
      if (size < 13) CHECK(encode_query_request(protobuf, out).error() == VoiceError::BufferTooSmall);
      CHECK(encode_query_reply({.request = legacy, .status = kServer150}, out).error() ==
            VoiceError::BufferTooSmall);
    }
  }

  TEST_CASE("random pings and query replies round-trip in both formats") {
    std::mt19937_64 rng{21};
    std::array<std::byte, 64> out{};
    for (int i = 0; i < 20000; ++i) {
      // Not 0: an all-default Ping is the lone type byte, which Mumble refuses (tested above).
      const std::uint64_t timestamp = (rng() >> (rng() % 64)) | 1;
      const auto legacy_size = encode_legacy_ping(timestamp, out);
      REQUIRE(legacy_size.has_value());
      REQUIRE(parse_legacy_ping(ByteView{out}.first(*legacy_size)).value() == timestamp);

      const PingFields ping{.timestamp = timestamp};
      const auto protobuf_size = encode_protobuf_ping(ping, out);
      REQUIRE(protobuf_size.has_value());
      REQUIRE(parse_protobuf_ping(ByteView{out}.first(*protobuf_size)).value() == ping);

      QueryReply reply;
      reply.request.format = i % 2 ? UdpFormat::Legacy : UdpFormat::Protobuf;
      if (reply.request.format == UdpFormat::Legacy) {
        for (auto& b : reply.request.legacy_token) b = static_cast<std::byte>(rng());
      } else {
        reply.request.timestamp = timestamp;
      }
      reply.status = {.version = {1, static_cast<std::uint16_t>(rng() % 256),
                                  static_cast<std::uint16_t>(rng() % 256)},
                      .user_count = static_cast<std::uint32_t>(rng()),
                      .max_user_count = static_cast<std::uint32_t>(rng()),
                      .max_bandwidth_bps = static_cast<std::uint32_t>(rng())};
      const auto reply_size = encode_query_reply(reply, out);
      REQUIRE(reply_size.has_value());
      REQUIRE(parse_query_reply(ByteView{out}.first(*reply_size)).value() == reply);

      const auto request_size = encode_query_request(reply.request, out);
      REQUIRE(request_size.has_value());
      REQUIRE(parse_query_request(ByteView{out}.first(*request_size)).value() == reply.request);
    }
  }
}
