#include "server/control/peer_address.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::control;

TEST_SUITE("control.peer_address") {
  TEST_CASE("IPv4 is mapped to ::ffff:a.b.c.d, IPv6 stays as it is, junk is refused") {
    const auto v4 = mapped_address("192.0.2.7");
    REQUIRE(v4);
    const MappedAddress expected{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
    CHECK(*v4 == expected);
    const auto v6 = mapped_address("2001:db8::1");
    REQUIRE(v6);
    CHECK((*v6)[0] == 0x20);
    CHECK((*v6)[15] == 1);
    CHECK_FALSE(mapped_address("not an address"));
  }

  TEST_CASE("same_prefix compares exactly the masked bits") {
    const auto a = *mapped_address("192.0.2.7");
    const auto b = *mapped_address("192.0.2.200");
    const auto c = *mapped_address("192.0.3.7");
    CHECK(same_prefix(a, b, 96 + 24));
    CHECK_FALSE(same_prefix(a, b, 128));
    CHECK_FALSE(same_prefix(a, c, 96 + 24));
    CHECK(same_prefix(a, c, 96 + 23));
    CHECK(same_prefix(a, c, 0));
  }
}
