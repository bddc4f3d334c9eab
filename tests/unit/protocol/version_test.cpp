#include "protocol/version.hpp"

#include "Mumble.pb.h"

#include <doctest/doctest.h>

#include <random>

using namespace plenum::protocol;

// The encoders are constexpr so that peers' thresholds can be compile-time constants.
static_assert(to_v1({1, 3, 4}) == 0x00010304);
static_assert(from_v2(to_v2({1, 6, 870})) == Version{1, 6, 870});

TEST_SUITE("protocol.version") {
  TEST_CASE("known answers from MUMBLE_PROTOCOL.md §9.2 and §3.1") {
    CHECK(to_v1({1, 3, 5}) == 0x00010305u);
    CHECK(to_v2({1, 3, 5}) == 0x0001000300050000ull);
    CHECK(to_v2({1, 5, 0}) == 0x0001000500000000ull);
    CHECK(to_v2({1, 5, 0}) == 281496451547136ull);
    CHECK(to_v1(from_v2(0x00010005'02DF'0000ull)) == 0x000105FFu);  // 1.5.735
    CHECK(to_v2({1, 6, 870}) == 0x0001000603660000ull);
    CHECK(to_v1({1, 3, 4}) == 66308u);
    CHECK(from_v1(0x010205) == Version{1, 2, 5});  // Humla announces 1.2.5
  }

  TEST_CASE("v1 clamps minor and patch to one byte each") {
    CHECK(to_v1({1, 5, 735}) == 0x000105FFu);
    CHECK(to_v1({1, 300, 2}) == 0x0001FF02u);
    CHECK(to_v1({0xFFFF, 0xFFFF, 0xFFFF}) == 0xFFFFFFFFu);
    CHECK(from_v1(to_v1({1, 5, 735})) == Version{1, 5, 255});
  }

  TEST_CASE("v2 leaves the low 16 bits zero and ignores them when reading") {
    CHECK((to_v2({0xFFFF, 0xFFFF, 0xFFFF}) & 0xFFFF) == 0);
    CHECK(from_v2(0x0001000500000000ull | 0xABCD) == Version{1, 5, 0});
  }

  TEST_CASE("both encodings round-trip every representable version") {
    std::mt19937 rng{20240601};
    std::uniform_int_distribution<unsigned> any16{0, 0xFFFF};
    std::uniform_int_distribution<unsigned> any8{0, 0xFF};
    for (int i = 0; i < 1000; ++i) {
      const Version wide{static_cast<std::uint16_t>(any16(rng)),
                         static_cast<std::uint16_t>(any16(rng)),
                         static_cast<std::uint16_t>(any16(rng))};
      CHECK(from_v2(to_v2(wide)) == wide);
      const Version narrow{wide.major, static_cast<std::uint16_t>(any8(rng)),
                           static_cast<std::uint16_t>(any8(rng))};
      CHECK(from_v1(to_v1(narrow)) == narrow);
    }
  }

  TEST_CASE("ordering compares major, then minor, then patch") {
    CHECK(Version{1, 4, 999} < Version{1, 5, 0});
    CHECK(Version{1, 5, 0} < Version{2, 0, 0});
    CHECK(Version{1, 5, 1} > Version{1, 5, 0});
    CHECK(Version{1, 5, 0} == Version{1, 5, 0});
  }

  TEST_CASE("version_of prefers v2, falls back to v1, else unknown") {
    MumbleProto::Version msg;
    CHECK(version_of(msg) == Version{0, 0, 0});

    msg.set_version_v1(0x00010304);
    CHECK(version_of(msg) == Version{1, 3, 4});

    // A 1.5.735 peer sends a clamped v1; only v2 tells the real patch.
    msg.set_version_v1(0x000105FF);
    msg.set_version_v2(0x0001000502DF0000ull);
    CHECK(version_of(msg) == Version{1, 5, 735});

    MumbleProto::Version only_v2;
    only_v2.set_version_v2(to_v2({1, 6, 0}));
    CHECK(version_of(only_v2) == Version{1, 6, 0});
  }

  TEST_CASE("set_version fills both fields, clamping v1") {
    MumbleProto::Version msg;
    set_version(msg, {1, 5, 735});
    REQUIRE(msg.has_version_v1());
    REQUIRE(msg.has_version_v2());
    CHECK(msg.version_v1() == 0x000105FFu);
    CHECK(msg.version_v2() == 0x0001000502DF0000ull);
    CHECK(version_of(msg) == Version{1, 5, 735});
  }

  TEST_CASE("protobuf UDP iff the peer announced at least 1.5.0") {
    CHECK(udp_format_for({0, 0, 0}) == UdpFormat::Legacy);
    CHECK(udp_format_for({1, 2, 5}) == UdpFormat::Legacy);
    CHECK(udp_format_for({1, 3, 4}) == UdpFormat::Legacy);
    CHECK(udp_format_for({1, 4, 0xFFFF}) == UdpFormat::Legacy);
    CHECK(udp_format_for({1, 5, 0}) == UdpFormat::Protobuf);
    CHECK(udp_format_for({1, 6, 870}) == UdpFormat::Protobuf);
    CHECK(udp_format_for({2, 0, 0}) == UdpFormat::Protobuf);
  }

  TEST_CASE("to_string prints dotted decimal") {
    CHECK(to_string(Version{1, 5, 735}) == "1.5.735");
    CHECK(to_string(Version{}) == "0.0.0");
    CHECK(to_string(Version{65535, 0, 1}) == "65535.0.1");
  }
}
