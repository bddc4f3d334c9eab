#include "server/store/password_hash.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace plenum::server::store;

TEST_SUITE("store") {
  TEST_CASE("a password verifies against its own hash only") {
    const std::string hash = hash_password("correct horse", 1000);
    CHECK(verify_password("correct horse", hash));
    CHECK_FALSE(verify_password("correct horsE", hash));
    CHECK_FALSE(verify_password("", hash));
    CHECK(verify_password("", hash_password("", 1000)));
  }

  TEST_CASE("each hash has its own salt") {
    const std::string first = hash_password("same", 1000);
    const std::string second = hash_password("same", 1000);
    CHECK(first != second);
    CHECK(verify_password("same", first));
    CHECK(verify_password("same", second));
  }

  TEST_CASE("the format: PHC-style, PBKDF2-SHA256, 16-byte salt, 32-byte hash, default cost") {
    const std::string hash = hash_password("pw");
    CHECK(hash.starts_with("$pbkdf2-sha256$i=200000$"));
    CHECK(kPasswordIterations >= 100'000);
    const std::size_t salt_start = hash.find('$', 17) + 1;
    const std::size_t hash_start = hash.find('$', salt_start) + 1;
    CHECK(hash_start - salt_start - 1 == 32);  // hex of 16 bytes
    CHECK(hash.size() - hash_start == 64);     // hex of 32 bytes
    CHECK(verify_password("pw", hash));
  }

  TEST_CASE("a known answer (RFC 7914 §11's PBKDF2-HMAC-SHA256 vector, salt \"salt\")") {
    // P = "passwd", S = "salt", c = 1, first 32 bytes of the 64-byte output.
    CHECK(verify_password("passwd",
                          "$pbkdf2-sha256$i=1$73616c74$"
                          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
  }

  TEST_CASE("anything that is not a well-formed hash never verifies") {
    const std::string good = hash_password("pw", 1000);
    std::string tampered = good;
    tampered.back() = tampered.back() == '0' ? '1' : '0';
    for (const std::string& bad :
         {std::string{}, std::string{"pw"}, tampered, good.substr(0, good.size() - 1),
          std::string{"$pbkdf2-sha256$i=0$00$00"},
          std::string{"$pbkdf2-sha256$i=99999999999$00$00"},
          std::string{"$pbkdf2-sha256$i=1$zz$00"}, std::string{"$pbkdf2-sha256$i=1$00$"},
          std::string{"$pbkdf2-sha256$i=1$$00"}, good + "$extra",
          std::string{"$pbkdf2-sha1$i=1000$00$00"}}) {
      INFO("hash: ", bad);
      CHECK_FALSE(verify_password("pw", bad));
    }
  }

}  // TEST_SUITE
