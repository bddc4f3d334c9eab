#include "client-cli/core/server_url.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

namespace plenum::client {
namespace {

TEST_SUITE("client-cli") {
  TEST_CASE("mumble:// URL with user, port and channel path") {
    const ServerUrl url = parse_mumble_url("mumble://alice@voice.example.org:1234/Plenary/Room%201");
    CHECK(url.user == "alice");
    CHECK_FALSE(url.password.has_value());
    CHECK(url.server.host == "voice.example.org");
    CHECK(url.server.port == 1234);
    CHECK(url.channel_path == "Plenary/Room 1");
  }

  TEST_CASE("mumble:// URL defaults: no user, port 64738, root channel, query ignored") {
    const ServerUrl url = parse_mumble_url("mumble://example.org/?version=1.2.0");
    CHECK_FALSE(url.user.has_value());
    CHECK(url.server.host == "example.org");
    CHECK(url.server.port == kDefaultPort);
    CHECK(url.channel_path.empty());
    CHECK(parse_mumble_url("MUMBLE://example.org").server.port == kDefaultPort);
  }

  TEST_CASE("mumble:// URL with password, IPv6 host and trailing slash") {
    const ServerUrl url = parse_mumble_url("mumble://bob%40home:s%3Acret@[::1]:50000/A/B/");
    CHECK(url.user == "bob@home");
    CHECK(url.password == "s:cret");
    CHECK(url.server.host == "::1");
    CHECK(url.server.port == 50000);
    CHECK(url.channel_path == "A/B");
  }

  TEST_CASE("malformed URLs are refused") {
    CHECK_THROWS_AS(parse_mumble_url("http://example.org"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://host:0"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://host:70000"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://host:12ab"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://[::1"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://host/%4"), std::invalid_argument);
    CHECK_THROWS_AS(parse_mumble_url("mumble://host/%zz"), std::invalid_argument);
  }

  TEST_CASE("HOST:PORT forms") {
    CHECK(parse_host_port("example.org").port == kDefaultPort);
    CHECK(parse_host_port("127.0.0.1:50123").port == 50123);
    CHECK(parse_host_port("127.0.0.1:50123").host == "127.0.0.1");
    CHECK(parse_host_port("[fe80::1]:7").host == "fe80::1");
    CHECK(parse_host_port("fe80::1").host == "fe80::1");
    CHECK_THROWS_AS(parse_host_port(":5"), std::invalid_argument);
  }
}

}  // namespace
}  // namespace plenum::client
