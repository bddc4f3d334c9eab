#include "client-cli/core/crypt_resync.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

namespace plenum::client {
namespace {

using namespace std::chrono_literals;
using protocol::CryptStateOCB2;
using Clock = CryptStateOCB2::Clock;

std::string bytes_of(const CryptStateOCB2::Nonce& nonce) {
  return std::string(reinterpret_cast<const char*>(nonce.data()), nonce.size());
}

CryptStateOCB2::Nonce nonce_of(const std::string& bytes) {
  CryptStateOCB2::Nonce out{};
  REQUIRE(bytes.size() == out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::byte>(bytes[i]);
  }
  return out;
}

// A server's crypt state (as plenum-server makes one) and a client keyed from its CryptSetup.
struct Pair {
  Clock::time_point t0 = Clock::time_point{} + 1h;
  CryptStateOCB2 server = CryptStateOCB2::generate();
  CryptStateOCB2 client;

  Pair() {
    MumbleProto::CryptSetup setup;
    setup.set_key(bytes_of(server.key()));
    setup.set_client_nonce(bytes_of(server.decrypt_iv()));
    setup.set_server_nonce(bytes_of(server.encrypt_iv()));
    CHECK_FALSE(apply_crypt_setup(client, setup, t0).has_value());
    REQUIRE(client.is_valid());
  }
};

// Encrypts one datagram with `from` and tries it with `to`.
bool deliver(CryptStateOCB2& from, CryptStateOCB2& to, Clock::time_point now) {
  const std::array<std::byte, 5> plain{std::byte{0x20}, std::byte{1}, std::byte{2},
                                       std::byte{3}, std::byte{4}};
  std::array<std::byte, 64> datagram{};
  std::array<std::byte, 64> out{};
  const auto size = from.encrypt(plain, datagram);
  REQUIRE(size.has_value());
  const auto decrypted = to.decrypt(protocol::ByteView(datagram.data(), *size), out, now);
  return decrypted.has_value() && *decrypted == plain.size() && out[4] == plain[4];
}

// The server's encrypt IV jumps far ahead of what the client expects (lost stream, restart of
// the voice plane, a server rotating nonces): its datagrams stop decrypting at the client.
void desync_server_encrypt(CryptStateOCB2& server) {
  auto iv = server.encrypt_iv();
  for (auto& b : iv) {
    b = ~b;
  }
  REQUIRE(server.set_key(server.key(), iv, server.decrypt_iv()));
}

TEST_SUITE("client-cli") {
  TEST_CASE("a full CryptSetup keys the client for both directions") {
    Pair p;
    CHECK(deliver(p.client, p.server, p.t0));
    CHECK(deliver(p.server, p.client, p.t0));
    CHECK(p.client.local_stats().good == 1);
  }

  TEST_CASE("failing decrypts ask for the server's IV after 5 s without a good one, once per 5 s") {
    Pair p;
    desync_server_encrypt(p.server);
    CHECK_FALSE(deliver(p.server, p.client, p.t0 + 1s));
    CHECK_FALSE(resync_due(p.client, p.t0 + 1s));  // grace after key setup
    CHECK_FALSE(deliver(p.server, p.client, p.t0 + 6s));
    CHECK(resync_due(p.client, p.t0 + 6s));
    CHECK_FALSE(resync_due(p.client, p.t0 + 7s));  // one request per interval
    CHECK(resync_due(p.client, p.t0 + 11s + 1ms));
  }

  TEST_CASE("a recent good datagram holds back the resync request") {
    Pair p;
    CHECK(deliver(p.server, p.client, p.t0 + 4s));
    desync_server_encrypt(p.server);
    CHECK_FALSE(deliver(p.server, p.client, p.t0 + 8s));
    CHECK_FALSE(resync_due(p.client, p.t0 + 8s));
    CHECK(resync_due(p.client, p.t0 + 9s + 1ms));
  }

  TEST_CASE("the server_nonce answer brings decryption back and counts a resync") {
    Pair p;
    desync_server_encrypt(p.server);
    CHECK_FALSE(deliver(p.server, p.client, p.t0 + 6s));
    REQUIRE(resync_due(p.client, p.t0 + 6s));
    MumbleProto::CryptSetup answer;  // what the server sends for our empty CryptSetup
    answer.set_server_nonce(bytes_of(p.server.encrypt_iv()));
    CHECK_FALSE(apply_crypt_setup(p.client, answer, p.t0 + 6s).has_value());
    CHECK(p.client.decrypt_iv() == p.server.encrypt_iv());
    CHECK(deliver(p.server, p.client, p.t0 + 6s));
    CHECK(deliver(p.server, p.client, p.t0 + 9s));
    CHECK(p.client.local_stats().resync == 1);
    CHECK_FALSE(resync_due(p.client, p.t0 + 12s));  // the good datagram at 9 s holds it back
  }

  TEST_CASE("an empty CryptSetup from the server is answered with the client's encrypt IV") {
    Pair p;
    for (int i = 0; i < 300; ++i) {  // the server misses a long stretch of our stream
      std::array<std::byte, 1> plain{std::byte{0x20}};
      std::array<std::byte, 16> lost{};
      REQUIRE(p.client.encrypt(plain, lost).has_value());
    }
    CHECK_FALSE(deliver(p.client, p.server, p.t0));
    const auto reply = apply_crypt_setup(p.client, MumbleProto::CryptSetup{}, p.t0);
    REQUIRE(reply.has_value());
    CHECK_FALSE(reply->has_key());
    CHECK_FALSE(reply->has_server_nonce());
    REQUIRE(reply->has_client_nonce());
    CHECK(nonce_of(reply->client_nonce()) == p.client.encrypt_iv());
    p.server.set_decrypt_iv(nonce_of(reply->client_nonce()));
    CHECK(deliver(p.client, p.server, p.t0));
  }

  TEST_CASE("a new full CryptSetup re-keys the client mid-session") {
    Pair p;
    CHECK(deliver(p.server, p.client, p.t0));
    CryptStateOCB2 rotated = CryptStateOCB2::generate();
    MumbleProto::CryptSetup setup;
    setup.set_key(bytes_of(rotated.key()));
    setup.set_client_nonce(bytes_of(rotated.decrypt_iv()));
    setup.set_server_nonce(bytes_of(rotated.encrypt_iv()));
    CHECK_FALSE(apply_crypt_setup(p.client, setup, p.t0 + 10s).has_value());
    CHECK_FALSE(deliver(p.server, p.client, p.t0 + 10s));
    CHECK(deliver(rotated, p.client, p.t0 + 10s));
    CHECK(deliver(p.client, rotated, p.t0 + 10s));
    CHECK_FALSE(resync_due(p.client, p.t0 + 14s));  // the grace restarts with the new key
  }

  TEST_CASE("nothing is answered or changed without a key or with malformed nonces") {
    CryptStateOCB2 unkeyed;
    CHECK_FALSE(apply_crypt_setup(unkeyed, MumbleProto::CryptSetup{}, Clock::now()).has_value());
    CHECK_FALSE(resync_due(unkeyed, Clock::now() + 1h));

    Pair p;
    const auto before = p.client.decrypt_iv();
    MumbleProto::CryptSetup short_nonce;
    short_nonce.set_server_nonce("too short");
    CHECK_FALSE(apply_crypt_setup(p.client, short_nonce, p.t0).has_value());
    CHECK(p.client.decrypt_iv() == before);
    CHECK(p.client.local_stats().resync == 0);
  }
}

}  // namespace
}  // namespace plenum::client
