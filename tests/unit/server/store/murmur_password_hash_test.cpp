// Murmur's password hashes as --import-murmur stores them (store/password_hash.hpp). Known
// answers computed independently (Python's hashlib.pbkdf2_hmac / sha1), not by this code.
#include "server/store/password_hash.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace plenum::server::store;

namespace {
constexpr const char* kPbkdf2Hash =
    "9bd2bb339c4652d5df88e5ad2286dee62ce29dd6cc951d31df2d42b1c3bf0fa7e98a41db245fb46fc90f286a5818fe18";
constexpr const char* kSha1Hash = "2f9e53523b62abc141a2b4d6019d23cba835dbd0";
}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a Murmur PBKDF2-HMAC-SHA384 hash verifies as Murmur verifies it") {
    const std::string encoded = murmur_password_hash(kPbkdf2Hash, "0123456789ABCDEF", 1000);
    CHECK(encoded == std::string{"$murmur-pbkdf2-sha384$i=1000$0123456789abcdef$"} + kPbkdf2Hash);
    CHECK(verify_password("correct horse", encoded));
    CHECK_FALSE(verify_password("correct horsE", encoded));
    CHECK_FALSE(verify_password("correct horse",
                                murmur_password_hash(kPbkdf2Hash, "0123456789abcdef", 1001)));
    CHECK(needs_rehash(encoded));
  }

  TEST_CASE("an empty salt and UTF-8 passwords hash as Murmur's QString::toUtf8 does") {
    const std::string encoded = murmur_password_hash(
        "cea0e2e35a89efd92b781ed7516c7a6a774da9fcb23621ed866c10e6bb33d842d528094fdaa2a6575253d5853ee595ef",
        "", 16000);
    CHECK(verify_password("p\xc3\xa4sswort", encoded));
    CHECK_FALSE(verify_password("passwort", encoded));
  }

  TEST_CASE("a Murmur SHA-1 hash (kdfiterations <= 0) verifies and asks for an upgrade") {
    for (const std::int64_t iterations : {0, -1}) {
      const std::string encoded = murmur_password_hash(kSha1Hash, "", iterations);
      CHECK(encoded == std::string{"$murmur-sha1$"} + kSha1Hash);
      CHECK(verify_password("correct horse", encoded));
      CHECK_FALSE(verify_password("wrong", encoded));
      CHECK(needs_rehash(encoded));
    }
  }

  TEST_CASE("Plenum's own hashes need no rehash, no password stays no password") {
    CHECK_FALSE(needs_rehash(hash_password("pw", 1000)));
    CHECK_FALSE(needs_rehash(""));
    CHECK(murmur_password_hash("", "abcd", 1000).empty());
  }

  TEST_CASE("broken Murmur hashes are refused at import and never verify") {
    CHECK_THROWS_AS(murmur_password_hash("not hex", "", 1000), std::invalid_argument);
    CHECK_THROWS_AS(murmur_password_hash(kSha1Hash, "zz", 1000), std::invalid_argument);
    CHECK_THROWS_AS(murmur_password_hash(kSha1Hash, "", 100'000'000), std::invalid_argument);
    CHECK_FALSE(verify_password("correct horse", "$murmur-sha1$2f9e"));
    CHECK_FALSE(verify_password("correct horse", "$murmur-pbkdf2-sha384$i=1000$00$" + std::string{kSha1Hash}));
    CHECK_FALSE(verify_password("correct horse", "$murmur-pbkdf2-sha384$i=0$$" + std::string{kPbkdf2Hash}));
  }
}
