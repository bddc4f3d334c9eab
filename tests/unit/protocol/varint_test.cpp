#include "protocol/varint.hpp"

#include "unit/protocol/voice_fixtures.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <random>

using namespace plenum::protocol;
using plenum::protocol::testing::hex;
using plenum::protocol::testing::to_hex;

namespace {

struct KnownAnswer {
  std::uint64_t value;
  const char* bytes;
};

constexpr std::uint64_t neg(std::uint64_t magnitude) { return ~magnitude + 1; }

// MUMBLE_PROTOCOL.md §9.1, every row.
constexpr KnownAnswer kKnownAnswers[] = {
    {0, "00"},
    {127, "7f"},
    {128, "80 80"},
    {300, "81 2c"},
    {0x3FFF, "bf ff"},
    {0x4000, "c0 40 00"},
    {0x1FFFFF, "df ff ff"},
    {123456, "c1 e2 40"},
    {0x2003, "a0 03"},
    {0x200000, "e0 20 00 00"},
    {0x0FFFFFFF, "ef ff ff ff"},
    {0x10000000, "f0 10 00 00 00"},
    {0xFFFFFFFF, "f0 ff ff ff ff"},
    {std::uint64_t{1} << 32, "f4 00 00 00 01 00 00 00 00"},
    {neg(1), "fc"},
    {neg(2), "fd"},
    {neg(4), "ff"},
    {neg(5), "f8 04"},
    {neg(300), "f8 81 2b"},
    {neg(std::uint64_t{1} << 32), "f8 f0 ff ff ff ff"},
    {neg((std::uint64_t{1} << 32) + 1), "f4 ff ff ff fe ff ff ff ff"},
};

std::string encode_hex(std::uint64_t value) {
  std::array<std::byte, kMaxVarintSize> buffer{};
  const std::size_t n = write_varint(value, buffer);
  return to_hex(ByteView{buffer}.first(n));
}

}  // namespace

TEST_SUITE("varint") {
  TEST_CASE("encodes every known answer of §9.1 byte for byte") {
    for (const auto& row : kKnownAnswers) {
      CAPTURE(row.value);
      CHECK(encode_hex(row.value) == to_hex(hex(row.bytes)));
      CHECK(varint_size(row.value) == hex(row.bytes).size());
    }
  }

  TEST_CASE("decodes every known answer of §9.1 and consumes exactly its bytes") {
    for (const auto& row : kKnownAnswers) {
      CAPTURE(row.bytes);
      Bytes bytes = hex(row.bytes);
      bytes.push_back(std::byte{0x55});  // a following field must stay unread
      ByteView in{bytes};
      const auto value = read_varint(in);
      REQUIRE(value.has_value());
      CHECK(*value == row.value);
      CHECK(in.size() == 1);
    }
  }

  TEST_CASE("signed forms sign-extend to 64 bits") {
    std::array<std::byte, kMaxVarintSize> buffer{};
    CHECK(write_signed_varint(-1, buffer) == 1);
    CHECK(buffer[0] == std::byte{0xFC});
    CHECK(to_hex(ByteView{buffer}.first(write_signed_varint(-300, buffer))) == "f8 81 2b");
    CHECK(signed_varint_size(-5) == 2);
    CHECK(signed_varint_size(std::numeric_limits<std::int64_t>::min()) == 9);
    const Bytes bytes = hex("f8 81 2b");
    ByteView in{bytes};
    CHECK(read_signed_varint(in).value() == -300);
  }

  TEST_CASE("accepts the non-shortest forms other encoders may emit") {
    for (const char* form : {"f0 00 00 00 05", "f3 00 00 00 05", "f4 00 00 00 00 00 00 00 05",
                             "f7 00 00 00 00 00 00 00 05", "80 05", "c0 00 05", "e0 00 00 05",
                             "f8 f8 05", "fb fa 05"}) {
      CAPTURE(form);
      const Bytes bytes = hex(form);
      ByteView in{bytes};
      CHECK(read_varint(in).value() == 5);
      CHECK(in.empty());
    }
  }

  TEST_CASE("nested negation prefixes are accepted up to Mumble's limit of 8") {
    Bytes bytes(kMaxVarintNegations, std::byte{0xF8});
    bytes.push_back(std::byte{0x07});
    ByteView in{bytes};
    CHECK(read_varint(in).value() == 7);  // an even number of NOTs cancels out

    Bytes deeper(kMaxVarintNegations + 1, std::byte{0xF8});
    deeper.push_back(std::byte{0x07});
    ByteView too_deep{deeper};
    const auto result = read_varint(too_deep);
    CHECK(result.error() == VarintError::NestingTooDeep);
    CHECK(too_deep.size() == deeper.size());
  }

  TEST_CASE("every truncation of every form is an error and leaves the input untouched") {
    for (const auto& row : kKnownAnswers) {
      const Bytes bytes = hex(row.bytes);
      for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        CAPTURE(row.bytes);
        CAPTURE(cut);
        ByteView in = ByteView{bytes}.first(cut);
        const auto result = read_varint(in);
        CHECK(result.error() == VarintError::Truncated);
        CHECK(in.size() == cut);
      }
    }
  }

  TEST_CASE("write_varint writes nothing into a buffer that is too small") {
    std::array<std::byte, 4> small{};
    small.fill(std::byte{0xAA});
    CHECK(write_varint(0x10000000, small) == 0);  // needs 5 bytes
    for (const std::byte b : small) CHECK(b == std::byte{0xAA});
    CHECK(write_varint(0x0FFFFFFF, small) == 4);
    CHECK(write_varint(0, MutableByteView{}) == 0);
  }

  TEST_CASE("random values round-trip over the whole 64-bit range, negatives included") {
    std::mt19937_64 rng{20240601};
    std::array<std::byte, kMaxVarintSize> buffer{};
    for (int i = 0; i < 200000; ++i) {
      // Mix uniform 64-bit values with values of every bit length and small negatives.
      const int shape = i % 4;
      std::uint64_t value = rng();
      if (shape == 1) value >>= rng() % 64;
      if (shape == 2) value = ~(value >> (rng() % 64));
      if (shape == 3) value = neg(rng() % 0x1'0000'0001ULL + 1);
      const std::size_t n = write_varint(value, buffer);
      REQUIRE(n == varint_size(value));
      REQUIRE(n >= 1);
      REQUIRE(n <= kMaxVarintSize);
      ByteView in = ByteView{buffer}.first(n);
      const auto decoded = read_varint(in);
      REQUIRE(decoded.has_value());
      REQUIRE(*decoded == value);
      REQUIRE(in.empty());
    }
  }

  TEST_CASE("random byte strings never read past their end") {
    std::mt19937 rng{7};
    std::array<std::byte, 24> buffer{};
    for (int i = 0; i < 100000; ++i) {
      const std::size_t size = rng() % buffer.size();
      for (std::size_t j = 0; j < size; ++j) {
        // Bias towards prefix bytes so nesting and long forms come up often.
        buffer[j] = static_cast<std::byte>(rng() % 3 == 0 ? 0xF0 | (rng() & 0xF) : rng() & 0xFF);
      }
      ByteView in = ByteView{buffer}.first(size);
      const auto result = read_varint(in);
      if (result) {
        CHECK(in.size() < size);
      } else {
        CHECK(in.size() == size);
      }
    }
  }
}
