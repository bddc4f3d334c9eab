// Differential tests: our allocation-free MumbleUDP reader and writer against libprotobuf's
// generated classes, over random and adversarial wire bytes.
#include "protocol/udp_protobuf.hpp"

#include "protocol/voice_error.hpp"
#include "unit/protocol/voice_fixtures.hpp"

#include "MumbleUDP.pb.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace plenum::protocol;
using plenum::protocol::testing::hex;
using plenum::protocol::testing::Rng;
using plenum::protocol::testing::same_bits;

namespace {

// Builds protobuf wire bytes by hand, including forms libprotobuf never writes (padded varints,
// unpacked floats, groups, wrong wire types) that other encoders may.
class WireBuilder {
 public:
  explicit WireBuilder(Rng& rng) : rng_{rng} {}

  // A varint in 1..10 bytes; overlong forms pad with 0x80 groups (the 10th byte stays < 0x80).
  void varint(std::uint64_t value, bool allow_padding = true) {
    std::size_t minimal = 1;
    for (std::uint64_t v = value; v >= 0x80; v >>= 7) ++minimal;
    std::size_t length = minimal;
    if (allow_padding && rng_() % 8 == 0) length = minimal + rng_() % (11 - minimal);
    for (std::size_t i = 0; i < length; ++i) {
      auto b = static_cast<unsigned>((value >> (7 * i)) & 0x7F);
      if (i == 9) b = static_cast<unsigned>(value >> 63) | (rng_() % 4 == 0 ? (rng_() & 0x7E) : 0);
      if (i + 1 < length) b |= 0x80;
      bytes_.push_back(static_cast<std::byte>(b));
      if (i >= 9) break;
    }
  }
  // Tags are minimal, or now and then padded to the 5 bytes libprotobuf still accepts.
  void tag(std::uint32_t field, unsigned wire_type) {
    const std::uint64_t value = std::uint64_t{field} << 3 | wire_type;
    if (rng_() % 16 != 0) return varint(value, false);
    for (unsigned i = 0; i < 5; ++i) {
      const auto b = static_cast<unsigned>((value >> (7 * i)) & 0x7F) | (i < 4 ? 0x80U : 0U);
      bytes_.push_back(static_cast<std::byte>(b));
    }
  }
  void fixed32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
  }
  void fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
  }
  void blob(std::size_t size) {
    varint(size, false);
    for (std::size_t i = 0; i < size; ++i) bytes_.push_back(static_cast<std::byte>(rng_()));
  }
  void random_float() {
    // Interesting bit patterns as well as uniform ones.
    static constexpr std::uint32_t kSpecial[] = {0, 0x80000000, 0x3F800000, 0x7FC00000, 0x7F800000, 1};
    fixed32(rng_() % 3 == 0 ? kSpecial[rng_() % 6] : static_cast<std::uint32_t>(rng_()));
  }
  std::uint64_t random_value() {
    switch (rng_() % 4) {
      case 0: return rng_() % 4;
      case 1: return rng_() % 300;
      case 2: return (std::uint64_t{rng_()} << 32 | rng_()) >> (rng_() % 64);
      default: return std::uint64_t{rng_()} << 32 | rng_();
    }
  }
  void unknown_field(int depth) {
    const auto field = static_cast<std::uint32_t>(17 + rng_() % 2000);
    switch (rng_() % (depth > 0 ? 5 : 4)) {
      case 0: tag(field, 0); varint(random_value()); break;
      case 1: tag(field, 1); fixed64(random_value()); break;
      case 2: tag(field, 2); blob(rng_() % 6); break;
      case 3: tag(field, 5); fixed32(static_cast<std::uint32_t>(rng_())); break;
      default:
        tag(field, 3);
        for (unsigned i = rng_() % 3; i > 0; --i) unknown_field(depth - 1);
        tag(field, 4);
    }
  }

  std::vector<std::byte>& bytes() { return bytes_; }

 private:
  Rng& rng_;
  std::vector<std::byte> bytes_;
};

void add_random_audio_field(WireBuilder& w, Rng& rng) {
  switch (rng() % 12) {
    case 0: w.tag(1, 0); w.varint(w.random_value() % 64); break;
    case 1: w.tag(2, 0); w.varint(w.random_value() % 64); break;
    case 2: w.tag(3, 0); w.varint(w.random_value()); break;
    case 3: w.tag(4, 0); w.varint(w.random_value()); break;
    case 4: w.tag(5, 2); w.blob(rng() % 40); break;
    case 5: {  // packed floats, usually three
      const std::size_t count = rng() % 4 == 0 ? rng() % 6 : 3;
      w.tag(6, 2);
      w.varint(count * 4, false);
      for (std::size_t i = 0; i < count; ++i) w.random_float();
      break;
    }
    case 6: w.tag(6, 5); w.random_float(); break;  // unpacked
    case 7: w.tag(7, 5); w.random_float(); break;
    case 8: w.tag(16, 0); w.varint(w.random_value()); break;
    case 9: w.tag(static_cast<std::uint32_t>(1 + rng() % 7), 5); w.fixed32(rng()); break;  // wrong type
    default: w.unknown_field(2);
  }
}

void add_random_ping_field(WireBuilder& w, Rng& rng) {
  const auto field = static_cast<std::uint32_t>(1 + rng() % 8);
  if (field <= 6 && rng() % 8 != 0) {
    w.tag(field, 0);
    w.varint(w.random_value());
  } else {
    w.unknown_field(2);
  }
}

// Random corruption: truncation, a flipped byte, or an inserted byte.
void mutate(std::vector<std::byte>& bytes, Rng& rng) {
  if (bytes.empty()) return;
  switch (rng() % 3) {
    case 0: bytes.resize(rng() % bytes.size()); break;
    case 1: bytes[rng() % bytes.size()] ^= static_cast<std::byte>(1u << (rng() % 8)); break;
    default:
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(rng() % bytes.size()),
                   static_cast<std::byte>(rng()));
  }
}

// Compares our view with libprotobuf's parse of the same bytes; empty string when equal.
std::string audio_difference(ByteView wire) {
  MumbleUDP::Audio reference;
  const bool reference_ok = reference.ParseFromArray(wire.data(), static_cast<int>(wire.size()));
  const auto ours = parse_audio_fields(wire);
  if (reference_ok != ours.has_value()) return reference_ok ? "we refused" : "we accepted";
  if (!reference_ok) return {};
  const AudioFields& a = *ours;
  using Case = MumbleUDP::Audio::HeaderCase;
  const Case expected_case = a.header == AudioFields::Header::Target    ? Case::kTarget
                             : a.header == AudioFields::Header::Context ? Case::kContext
                                                                        : Case::HEADER_NOT_SET;
  if (reference.Header_case() != expected_case) return "oneof case";
  const std::uint32_t reference_header =
      expected_case == Case::kTarget ? reference.target() : reference.context();
  if (a.header != AudioFields::Header::None && a.header_value != reference_header) return "header";
  if (a.sender_session != reference.sender_session()) return "sender_session";
  if (a.frame_number != reference.frame_number()) return "frame_number";
  if (plenum::protocol::as_chars(a.opus_data) != reference.opus_data()) return "opus_data";
  if (a.positional_count != static_cast<std::size_t>(reference.positional_data_size())) return "count";
  for (std::size_t i = 0; i < std::min<std::size_t>(3, a.positional_count); ++i) {
    if (!same_bits(a.positional[i], reference.positional_data(static_cast<int>(i)))) return "positional";
  }
  if (!same_bits(a.volume_adjustment, reference.volume_adjustment())) return "volume";
  if (a.is_terminator != reference.is_terminator()) return "terminator";
  return {};
}

std::string ping_difference(ByteView wire) {
  MumbleUDP::Ping reference;
  const bool reference_ok = reference.ParseFromArray(wire.data(), static_cast<int>(wire.size()));
  const auto ours = parse_ping_fields(wire);
  if (reference_ok != ours.has_value()) return reference_ok ? "we refused" : "we accepted";
  if (!reference_ok) return {};
  const PingFields expected{reference.timestamp(), reference.request_extended_information(),
                            reference.server_version_v2(), reference.user_count(),
                            reference.max_user_count(), reference.max_bandwidth_per_user()};
  return *ours == expected ? std::string{} : "fields";
}

ByteView view(const std::string& s) { return as_bytes(s); }

}  // namespace

TEST_SUITE("udp_protobuf") {
  TEST_CASE("messages serialised by libprotobuf decode identically") {
    Rng rng{1};
    for (int i = 0; i < 20000; ++i) {
      MumbleUDP::Audio audio;
      if (rng() % 2) audio.set_target(rng() % 32);
      if (rng() % 2) audio.set_context(rng() % 4);
      if (rng() % 2) audio.set_sender_session(rng());
      if (rng() % 2) audio.set_frame_number(std::uint64_t{rng()} << (rng() % 33));
      audio.set_opus_data(std::string(rng() % 100, static_cast<char>(rng())));
      for (unsigned n = rng() % 2 ? 3 : rng() % 5; n > 0; --n) {
        audio.add_positional_data(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
      }
      if (rng() % 2) audio.set_volume_adjustment(static_cast<float>(rng() % 100) / 10.0F);
      audio.set_is_terminator(rng() % 2 == 0);
      const std::string wire = audio.SerializeAsString();
      CAPTURE(plenum::protocol::testing::to_hex(view(wire)));
      REQUIRE(audio_difference(view(wire)) == "");

      MumbleUDP::Ping ping;
      ping.set_timestamp(std::uint64_t{rng()} << (rng() % 33));
      ping.set_request_extended_information(rng() % 2 == 0);
      if (rng() % 2) ping.set_server_version_v2(std::uint64_t{1} << 48 | std::uint64_t{rng() % 8} << 32);
      ping.set_user_count(rng() % 1000);
      ping.set_max_user_count(rng());
      ping.set_max_bandwidth_per_user(rng() % 600000);
      REQUIRE(ping_difference(view(ping.SerializeAsString())) == "");
    }
  }

  TEST_CASE("hand-built wire bytes decode exactly as libprotobuf decodes them") {
    // Any order, duplicates, overlong varints, unpacked and packed floats, unknown fields and
    // groups, wrong wire types; then the same messages corrupted.
    Rng rng{2};
    int accepted = 0;
    for (int i = 0; i < 40000; ++i) {
      WireBuilder audio{rng};
      for (unsigned n = rng() % 8; n > 0; --n) add_random_audio_field(audio, rng);
      if (i % 2) mutate(audio.bytes(), rng);
      CAPTURE(plenum::protocol::testing::to_hex(audio.bytes()));
      REQUIRE(audio_difference(audio.bytes()) == "");
      accepted += parse_audio_fields(audio.bytes()).has_value() ? 1 : 0;

      WireBuilder ping{rng};
      for (unsigned n = rng() % 8; n > 0; --n) add_random_ping_field(ping, rng);
      if (i % 2) mutate(ping.bytes(), rng);
      CAPTURE(plenum::protocol::testing::to_hex(ping.bytes()));
      REQUIRE(ping_difference(ping.bytes()) == "");
    }
    // Both outcomes must be well represented for the comparison to mean something.
    CHECK(accepted > 10000);
    CHECK(accepted < 35000);
  }

  TEST_CASE("edge cases found by probing libprotobuf 3.21 agree") {
    for (const char* wire : {
             "", "00", "02 00", "18 80 80 80 80 10", "18 81 80 80 80 80 80 80 80 80 7f",
             "18 81 80 80 80 80 80 80 80 80 80 01", "80 01 80 80 80 80 10",
             "98 80 80 80 00 05", "98 80 80 80 80 00 05", "98 80 80 80 70 05",
             "98 80 80 80 0f 05", "f8 ff ff ff 0f 05", "0c", "0b 0c 18 05", "0b 14 18 05",
             "0b 18 05", "0b 13 14 0c 18 05", "0e 00", "0f 00", "0d 01 02 03 04 18 05",
             "32 05 00 00 00 00 00", "32 00", "35 00 00 80 3f 35 00 00 00 40",
             "2a 80 80 80 80 00", "2a 80 80 80 80 80 00", "2a ff ff ff ff 07",
             "3d 00 00 00", "41 01 02 03 04 05 06 07 08", "41 01 02 03 04 05 06 07",
             "08 05 10 02", "10 02 08 05", "2a 01 aa 2a 02 bb cc", "08 81 80 80 80 10",
             "03 04", "05 00 00 00 00", "0b 00 0c", "fb ff ff ff 0f fc ff ff ff 0f",
             "0b 13 0c 14"}) {
      CAPTURE(wire);
      CHECK(audio_difference(hex(wire)) == "");
      CHECK(ping_difference(hex(wire)) == "");
    }
  }

  TEST_CASE("groups nest up to libprotobuf's recursion limit of 100") {
    for (const unsigned depth : {1U, 99U, 100U, 101U, 150U}) {
      Bytes wire(depth, std::byte{0x0B});
      wire.insert(wire.end(), depth, std::byte{0x0C});
      wire.push_back(std::byte{0x18});
      wire.push_back(std::byte{0x05});
      CAPTURE(depth);
      CHECK(audio_difference(wire) == "");
      CHECK(parse_audio_fields(wire).has_value() == (depth <= 100));
    }
  }

  TEST_CASE("errors say truncated or malformed") {
    CHECK(parse_audio_fields(hex("2a 05 01 02")).error() == VoiceError::Truncated);
    CHECK(parse_audio_fields(hex("18")).error() == VoiceError::Truncated);
    CHECK(parse_audio_fields(hex("0f 00")).error() == VoiceError::Malformed);
    CHECK(parse_audio_fields(hex("32 05 00 00 00 00 00")).error() == VoiceError::Malformed);
    CHECK(parse_ping_fields(hex("08 80 80 80 80 80 80 80 80 80 80 01")).error() ==
          VoiceError::Malformed);
  }

  TEST_CASE("the writer's output parses with libprotobuf into the same ping") {
    Rng rng{3};
    std::array<std::byte, 64> buffer{};
    for (int i = 0; i < 10000; ++i) {
      const PingFields ping{std::uint64_t{rng()} << (rng() % 33), rng() % 2 == 0,
                            rng() % 2 ? std::uint64_t{rng()} << 32 : 0, rng() % 3 ? rng() : 0,
                            rng() % 3 ? rng() : 0, rng() % 3 ? rng() : 0};
      WireWriter writer{buffer};
      write_ping_fields(ping, writer);
      REQUIRE_FALSE(writer.overflowed());
      MumbleUDP::Ping reference;
      reference.set_timestamp(ping.timestamp);
      reference.set_request_extended_information(ping.request_extended_information);
      reference.set_server_version_v2(ping.server_version_v2);
      reference.set_user_count(ping.user_count);
      reference.set_max_user_count(ping.max_user_count);
      reference.set_max_bandwidth_per_user(ping.max_bandwidth_per_user);
      // Canonical order: byte-identical with SerializeAsString, not merely equivalent.
      const std::string expected = reference.SerializeAsString();
      REQUIRE(plenum::protocol::as_chars(ByteView{buffer}.first(writer.size())) == expected);
    }
  }

  TEST_CASE("the writer stops at the end of its buffer") {
    std::array<std::byte, 4> small{};
    WireWriter writer{small};
    writer.bytes_field(5, hex("01 02 03"));
    CHECK(writer.overflowed());
    WireWriter fits{small};
    fits.bytes_field(5, hex("01 02"));
    CHECK_FALSE(fits.overflowed());
    CHECK(fits.size() == 4);
  }
}
