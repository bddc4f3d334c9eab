#include "protocol/ocb2_aes128.hpp"

#include "unit/protocol/ocb2_reference.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using namespace plenum::protocol;
using plenum::test::Block16;
using plenum::test::block_from_hex;
using plenum::test::counting_bytes;
using plenum::test::from_hex;

namespace {

const Block16 kKey = block_from_hex("000102030405060708090a0b0c0d0e0f");
const Block16 kNonce = kKey;
const Block16 kOtherNonce = block_from_hex("ffeeddccbbaa99887766554433221100");

Ocb2Aes128 keyed_cipher() {
  Ocb2Aes128 cipher;
  REQUIRE(cipher.set_key(kKey));
  return cipher;
}

struct Sealed {
  Bytes cipher;
  Ocb2Aes128::Block tag{};
};

Sealed seal(Ocb2Aes128& cipher, ByteView plain, const Block16& nonce) {
  Sealed out{Bytes(plain.size()), {}};
  REQUIRE(cipher.encrypt(plain, out.cipher, nonce, out.tag));
  return out;
}

Bytes tag_bytes(const Ocb2Aes128::Block& tag) { return {tag.begin(), tag.end()}; }

}  // namespace

TEST_SUITE("protocol.ocb2") {
  TEST_CASE("draft-krovetz-ocb-00 vectors: empty and 40-byte plaintexts (§9.4)") {
    Ocb2Aes128 cipher = keyed_cipher();
    const Sealed empty = seal(cipher, {}, kNonce);
    CHECK(tag_bytes(empty.tag) == from_hex("bf3108130773ad5ec70ec69e7875a7b0"));

    const Sealed forty = seal(cipher, counting_bytes(40), kNonce);
    CHECK(forty.cipher == from_hex("f75d6bc8b4dc8d66b836a2b08b32a6369f1cd3c5228d79fd"
                                   "6c267f5f6aa7b231c7dfb9d59951ae9c"));
    CHECK(tag_bytes(forty.tag) == from_hex("9db0cdf880f73e3e10d4eb3217766688"));
  }

  TEST_CASE("derived vectors around the block boundaries, both directions (§9.4)") {
    struct Vector {
      std::size_t n;
      const char* cipher;
      const char* tag;
    };
    const Vector vectors[] = {
        {1, "61", "559a16c2289b8115fca95b2b1bac16a0"},
        {15, "6972c5eb9cbdbfdbfd7173d2b89389", "ee75a44307d0a8b785aaf8154b3ae119"},
        {16, "52e48f5d19fe2d9869f0c4a4b3d2be57", "f7ee49ae7aa5b5e6645db6b3966136f9"},
        {17, "f75d6bc8b4dc8d66b836a2b08b32a636da", "34b2a006efdad0cbdf24503b86661fb4"},
    };
    Ocb2Aes128 cipher = keyed_cipher();
    for (const Vector& v : vectors) {
      CAPTURE(v.n);
      const Bytes plain = counting_bytes(v.n);
      const Sealed sealed = seal(cipher, plain, kNonce);
      CHECK(sealed.cipher == from_hex(v.cipher));
      CHECK(tag_bytes(sealed.tag) == from_hex(v.tag));

      Bytes opened(v.n);
      Ocb2Aes128::Block tag{};
      CHECK(cipher.decrypt(sealed.cipher, opened, kNonce, tag) == Ocb2Aes128::DecryptOutcome::Ok);
      CHECK(opened == plain);
      CHECK(tag == sealed.tag);
    }
  }

  TEST_CASE("a penultimate block of zeros is sent with byte 0 flipped (§7.4, §9.4)") {
    Ocb2Aes128 cipher = keyed_cipher();
    const Bytes zeros(32, std::byte{0});
    const Sealed sealed = seal(cipher, zeros, kOtherNonce);
    CHECK(sealed.cipher ==
          from_hex("ee777c78b34edb3756a7141559c5997933c442b71b12294facbfc9d6953b1501"));
    CHECK(tag_bytes(sealed.tag) == from_hex("cdf99724c5064c55ca8d86c93f57107a"));

    Bytes one_then_zeros = zeros;
    one_then_zeros[0] = std::byte{1};
    const Sealed plain_one = seal(cipher, one_then_zeros, kOtherNonce);
    CHECK(plain_one.cipher == sealed.cipher);
    CHECK(plain_one.tag == sealed.tag);

    Bytes opened(32);
    Ocb2Aes128::Block tag{};
    CHECK(cipher.decrypt(sealed.cipher, opened, kOtherNonce, tag) ==
          Ocb2Aes128::DecryptOutcome::Ok);
    CHECK(opened == one_then_zeros);
  }

  TEST_CASE("the XEX* forgery of eprint 2019/311 is rejected (Mumble's xexstarAttack)") {
    // M1 = LEN(128) = 0^15 ‖ 0x80, M2 arbitrary. From the UNPROTECTED encryption an attacker
    // forges the one-block message C1 ⊕ LEN(128) with tag M2 ⊕ C2.
    Bytes plain(32, std::byte{0x2a});
    std::fill_n(plain.begin(), 16, std::byte{0});
    plain[15] = std::byte{0x80};
    const auto unprotected = plenum::test::reference_ocb2_encrypt(kKey, kOtherNonce, plain, false);
    Bytes forged(unprotected.cipher.begin(), unprotected.cipher.begin() + 16);
    forged[15] ^= std::byte{0x80};
    Ocb2Aes128::Block forged_tag;
    for (std::size_t i = 0; i < 16; ++i) forged_tag[i] = plain[16 + i] ^ unprotected.cipher[16 + i];

    Ocb2Aes128 cipher = keyed_cipher();
    Bytes opened(16);
    Ocb2Aes128::Block tag{};
    CHECK(cipher.decrypt(forged, opened, kOtherNonce, tag) ==
          Ocb2Aes128::DecryptOutcome::ForgeryDetected);
    CHECK(tag == forged_tag);  // without the check the forgery would authenticate

    // Our sender never hands out that unprotected first block.
    const Sealed sealed = seal(cipher, plain, kOtherNonce);
    CHECK(!std::equal(sealed.cipher.begin(), sealed.cipher.begin() + 16,
                      unprotected.cipher.begin()));
    Bytes round(32);
    CHECK(cipher.decrypt(sealed.cipher, round, kOtherNonce, tag) == Ocb2Aes128::DecryptOutcome::Ok);
    CHECK(round[0] == std::byte{1});
    CHECK(std::equal(round.begin() + 1, round.end(), plain.begin() + 1));
  }

  TEST_CASE("batched encryption equals one-block-at-a-time OCB2 for any length") {
    std::mt19937 rng{20240611};
    Ocb2Aes128 cipher = keyed_cipher();
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 80; ++n) lengths.push_back(n);
    for (std::size_t n : {1008U, 1020U, 1024U, 1025U, 1040U, 1041U, 2064U, 4000U}) {
      lengths.push_back(n);
    }
    for (const std::size_t n : lengths) {
      CAPTURE(n);
      Bytes plain(n);
      for (auto& b : plain) b = static_cast<std::byte>(rng());
      // Every fourth plaintext ends in digital silence, to exercise the countermeasure.
      if (n % 4 == 0) std::fill(plain.begin() + static_cast<std::ptrdiff_t>(n / 2), plain.end(), std::byte{0});
      Block16 nonce;
      for (auto& b : nonce) b = static_cast<std::byte>(rng());

      const Sealed sealed = seal(cipher, plain, nonce);
      const auto expected = plenum::test::reference_ocb2_encrypt(kKey, nonce, plain, true);
      CHECK(sealed.cipher == expected.cipher);
      CHECK(sealed.tag == expected.tag);

      Bytes opened(n);
      Ocb2Aes128::Block tag{};
      REQUIRE(cipher.decrypt(sealed.cipher, opened, nonce, tag) == Ocb2Aes128::DecryptOutcome::Ok);
      CHECK(tag == sealed.tag);
      const auto reopened = plenum::test::reference_ocb2_encrypt(kKey, nonce, opened, false);
      CHECK(reopened.cipher == sealed.cipher);
    }
  }

  TEST_CASE("an unkeyed or moved-from cipher refuses to work") {
    Ocb2Aes128 unkeyed;
    Ocb2Aes128::Block tag{};
    Bytes out(4);
    CHECK(!unkeyed.has_key());
    CHECK(!unkeyed.encrypt(counting_bytes(4), out, kNonce, tag));
    CHECK(unkeyed.decrypt(counting_bytes(4), out, kNonce, tag) ==
          Ocb2Aes128::DecryptOutcome::CipherFailure);

    Ocb2Aes128 keyed = keyed_cipher();
    Ocb2Aes128 moved = std::move(keyed);
    CHECK(moved.has_key());
    CHECK(!keyed.has_key());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
    CHECK(!keyed.encrypt(counting_bytes(4), out, kNonce, tag));
    CHECK(moved.encrypt(counting_bytes(4), out, kNonce, tag));
  }
}
