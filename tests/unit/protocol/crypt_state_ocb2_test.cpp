#include "protocol/crypt_state_ocb2.hpp"

#include "unit/protocol/ocb2_reference.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <vector>

using namespace plenum::protocol;
using namespace std::chrono_literals;
using plenum::test::block_from_hex;
using plenum::test::from_hex;

namespace {

using Clock = CryptStateOCB2::Clock;
const Clock::time_point kT0{std::chrono::hours{1}};
const CryptStateOCB2::Key kKey = block_from_hex("000102030405060708090a0b0c0d0e0f");
const CryptStateOCB2::Nonce kNonce = kKey;

// A sender and a receiver that share a key; the sender's encrypt IV is the receiver's decrypt IV.
struct Link {
  CryptStateOCB2 sender;
  CryptStateOCB2 receiver;

  explicit Link(const CryptStateOCB2::Nonce& iv, const CryptStateOCB2::Key& key = kKey) {
    CryptStateOCB2::Nonce unused{};
    REQUIRE(sender.set_key(key, iv, unused));
    REQUIRE(receiver.set_key(key, unused, iv));
  }

  Bytes seal(ByteView plain) {
    Bytes datagram(plain.size() + CryptStateOCB2::kHeaderSize);
    const auto length = sender.encrypt(plain, datagram);
    REQUIRE(length.has_value());
    REQUIRE(*length == datagram.size());
    return datagram;
  }

  Result<std::size_t> open(ByteView datagram, Bytes* plain = nullptr) {
    Bytes out(datagram.size());
    auto result = receiver.decrypt(datagram, out, kT0);
    if (result && plain != nullptr) *plain = Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*result));
    return result;
  }
};

const Bytes kSecret = plenum::test::counting_bytes(10, 'a');

CryptStateOCB2::Nonce filled(std::uint8_t value) {
  CryptStateOCB2::Nonce nonce;
  nonce.fill(std::byte{value});
  return nonce;
}

CryptStats stats(std::uint32_t good, std::uint32_t late, std::uint32_t lost, std::uint32_t resync) {
  return {good, late, lost, resync};
}

}  // namespace

TEST_SUITE("protocol.crypt") {
  TEST_CASE("the first two datagrams of a session match murmurd byte for byte (§9.5)") {
    Link link{kNonce};
    const Bytes ping = link.seal(from_hex("20c1e240"));
    CHECK(ping == from_hex("0109018e557891cb"));
    CHECK(link.sender.encrypt_iv() == block_from_hex("010102030405060708090a0b0c0d0e0f"));
    const Bytes voice = link.seal(from_hex("800003f8fffe"));
    CHECK(voice == from_hex("0239096fd40504fe60f1"));
    CHECK(link.sender.encrypt_iv() == block_from_hex("020102030405060708090a0b0c0d0e0f"));

    Bytes plain;
    REQUIRE(link.open(ping, &plain));
    CHECK(plain == from_hex("20c1e240"));
    REQUIRE(link.open(voice, &plain));
    CHECK(plain == from_hex("800003f8fffe"));
    CHECK(link.receiver.decrypt_iv() == link.sender.encrypt_iv());
    CHECK(link.receiver.local_stats() == stats(2, 0, 0, 0));

    CHECK(link.open(ping).error() == CryptError::Replay);
    CHECK(link.open(voice).error() == CryptError::Replay);
    CHECK(link.receiver.local_stats() == stats(2, 0, 0, 0));
  }

  TEST_CASE("skipping 14 packets counts 14 lost, also across the IV byte wrap (ivrecovery)") {
    Link link{filled(0x55)};
    REQUIRE(link.open(link.seal(kSecret)));
    std::uint32_t expected_lost = 0;
    for (int round = 0; round < 128; ++round) {
      Bytes last;
      for (int i = 0; i < 15; ++i) last = link.seal(kSecret);
      Bytes plain;
      REQUIRE(link.open(last, &plain));
      CHECK(plain == kSecret);
      expected_lost += 14;
      REQUIRE(link.receiver.local_stats().lost == expected_lost);
    }
    CHECK(link.receiver.decrypt_iv() == link.sender.encrypt_iv());
    CHECK(link.receiver.local_stats() == stats(129, 0, expected_lost, 0));
  }

  TEST_CASE("after 256 or more lost packets only a resync recovers (ivrecovery)") {
    Link link{kNonce};
    REQUIRE(link.open(link.seal(kSecret)));
    Bytes last;
    for (int i = 0; i < 257; ++i) last = link.seal(kSecret);
    CHECK(link.open(last).error() == CryptError::TagMismatch);
    for (int i = 0; i < 50; ++i) CHECK(!link.open(link.seal(kSecret)));

    link.receiver.set_decrypt_iv(link.sender.encrypt_iv());
    Bytes plain;
    REQUIRE(link.open(link.seal(kSecret), &plain));
    CHECK(plain == kSecret);
    CHECK(link.receiver.local_stats() == stats(2, 0, 0, 1));
  }

  TEST_CASE("reverse delivery of 128 packets accepts exactly the first 30 (reverserecovery)") {
    Link link{filled(0x55)};
    std::vector<Bytes> sent;
    for (int i = 0; i < 128; ++i) sent.push_back(link.seal(kSecret));
    int accepted = 0;
    for (int i = 127; i >= 0; --i) {
      const auto result = link.open(sent[static_cast<std::size_t>(i)]);
      CHECK(result.has_value() == (i >= 98));
      if (result) ++accepted;
      if (!result) CHECK(result.error() == CryptError::OutOfWindow);
    }
    CHECK(accepted == 30);
    // 127 missing before the newest, 29 of them arrived late.
    CHECK(link.receiver.local_stats() == stats(30, 29, 98, 0));
    for (int i = 127; i >= 98; --i) CHECK(!link.open(sent[static_cast<std::size_t>(i)]));

    sent.clear();
    for (int i = 0; i < 512; ++i) sent.push_back(link.seal(kSecret));
    for (const Bytes& datagram : sent) CHECK(link.open(datagram));
    for (const Bytes& datagram : sent) CHECK(!link.open(datagram));
  }

  TEST_CASE("late packets inside the window are accepted once, counted late, and leave the IV") {
    Link link{kNonce};
    std::vector<Bytes> sent;
    for (int i = 0; i < 6; ++i) sent.push_back(link.seal(kSecret));
    REQUIRE(link.open(sent[0]));
    REQUIRE(link.open(sent[2]));
    REQUIRE(link.open(sent[4]));
    CHECK(link.receiver.local_stats() == stats(3, 0, 2, 0));
    const auto newest_iv = link.receiver.decrypt_iv();

    Bytes plain;
    REQUIRE(link.open(sent[1], &plain));
    CHECK(plain == kSecret);
    CHECK(link.receiver.decrypt_iv() == newest_iv);
    REQUIRE(link.open(sent[3]));
    // lost falls by one per late packet but never below zero (Mumble master clamps).
    CHECK(link.receiver.local_stats() == stats(5, 2, 0, 0));
    CHECK(link.open(sent[1]).error() == CryptError::Replay);
    CHECK(link.open(sent[3]).error() == CryptError::Replay);

    REQUIRE(link.open(sent[5]));  // still in order after the late ones
    CHECK(link.receiver.local_stats() == stats(6, 2, 0, 0));
  }

  TEST_CASE("the late window is 29 packets deep, also across the IV byte wrap") {
    for (const std::uint8_t start : {std::uint8_t{0x55}, std::uint8_t{0xf0}}) {
      CAPTURE(int{start});
      Link link{filled(start)};
      std::vector<Bytes> sent;
      for (int i = 0; i < 40; ++i) sent.push_back(link.seal(kSecret));
      REQUIRE(link.open(sent[39]));
      CHECK(link.open(sent[39 - 30]).error() == CryptError::OutOfWindow);
      CHECK(link.open(sent[39 - 29]));
      CHECK(link.open(sent[39 - 1]));
      CHECK(link.receiver.local_stats() == stats(3, 2, 37, 0));
    }
  }

  TEST_CASE("Mumble's history quirk: a gap packet matching a never-used slot is a 'replay'") {
    // decrypt_iv byte 1 is 0 and every history slot starts at 0, so the first out-of-order
    // packet is refused; Mumble does the same, so peers see the same drop.
    Link link{filled(0x00)};
    link.seal(kSecret);
    const Bytes second = link.seal(kSecret);
    CHECK(link.open(second).error() == CryptError::Replay);
  }

  TEST_CASE("set_key starts a fresh replay history") {
    Link link{filled(0x55)};
    link.seal(kSecret);
    const Bytes second = link.seal(kSecret);
    REQUIRE(link.open(second));  // a gap: recorded in the history
    CryptStateOCB2::Nonce unused{};
    REQUIRE(link.receiver.set_key(kKey, unused, filled(0x55)));
    CHECK(link.open(second));  // same gap again, history forgotten
    CHECK(link.receiver.local_stats().good == 2);
  }

  TEST_CASE("random lengths 0..1020 round-trip exactly") {
    std::mt19937 rng{7};
    CryptStateOCB2::Key key;
    for (auto& b : key) b = static_cast<std::byte>(rng());
    Link link{filled(0x10), key};
    for (std::size_t n = 0; n <= 1020; ++n) {
      Bytes message(n);
      for (auto& b : message) b = static_cast<std::byte>(rng() | 1U);  // never a zero block
      Bytes plain;
      REQUIRE(link.open(link.seal(message), &plain));
      REQUIRE(plain == message);
    }
    CHECK(link.receiver.local_stats() == stats(1021, 0, 0, 0));
  }

  TEST_CASE("digital silence arrives with exactly one bit set in the penultimate block") {
    Link link{filled(0x20)};
    for (std::size_t n = 0; n <= 100; ++n) {
      CAPTURE(n);
      const Bytes silence(n, std::byte{0});
      Bytes plain;
      REQUIRE(link.open(link.seal(silence), &plain));
      Bytes expected = silence;
      if (n > 16) expected[((n - 1) / 16 - 1) * 16] = std::byte{1};
      CHECK(plain == expected);
    }
  }

  TEST_CASE("any single flipped bit in a datagram is rejected") {
    std::mt19937 rng{42};
    Link link{filled(0x33)};
    for (int packet = 0; packet < 12; ++packet) {
      Bytes message(rng() % 90);
      for (auto& b : message) b = static_cast<std::byte>(rng());
      Bytes datagram = link.seal(message);
      for (std::size_t bit = 0; bit < datagram.size() * 8; ++bit) {
        datagram[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
        CHECK_FALSE(link.open(datagram));
        datagram[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
      }
      Bytes plain;
      REQUIRE(link.open(datagram, &plain));
      CHECK(plain == message);
    }
    CHECK(link.receiver.local_stats() == stats(12, 0, 0, 0));
  }

  TEST_CASE("a datagram forged with the XEX* attack is refused as a forgery") {
    // §7.4: with the next IV known, a one-block ciphertext whose final block decrypts to
    // Δ ⊕ LEN(128) trips the receiver check.
    Link link{kNonce};
    CryptStateOCB2::Nonce iv = kNonce;
    iv[0] = std::byte{0x01};
    using namespace plenum::test;
    const Block16 delta = times_two(aes128_block(kKey, iv));
    Block16 length{};
    length[15] = std::byte{0x80};
    const Block16 pad = aes128_block(kKey, xor_blocks(delta, length));
    const Block16 block = xor_blocks(xor_blocks(delta, length), pad);
    Bytes datagram{std::byte{0x01}, std::byte{0}, std::byte{0}, std::byte{0}};
    datagram.insert(datagram.end(), block.begin(), block.end());
    CHECK(link.open(datagram).error() == CryptError::Forgery);
    CHECK(link.receiver.decrypt_iv() == kNonce);
    CHECK(link.open(link.seal(kSecret)));
  }

  TEST_CASE("malformed calls fail with their reason") {
    CryptStateOCB2 unkeyed;
    Bytes out(64);
    CHECK(!unkeyed.is_valid());
    CHECK(unkeyed.encrypt(kSecret, out).error() == CryptError::NotInitialised);
    CHECK(unkeyed.decrypt(Bytes(8), out, kT0).error() == CryptError::NotInitialised);

    Link link{kNonce};
    CHECK(link.open(Bytes(3)).error() == CryptError::TooShort);
    Bytes small(kSecret.size() + 3);
    CHECK(link.sender.encrypt(kSecret, small).error() == CryptError::OutputTooSmall);
    const Bytes datagram = link.seal(kSecret);
    Bytes short_out(kSecret.size() - 1);
    CHECK(link.receiver.decrypt(datagram, short_out, kT0).error() == CryptError::OutputTooSmall);
    const Bytes empty_with_bad_tag{std::byte{0x01}, std::byte{0}, std::byte{0}, std::byte{0}};
    CHECK(link.open(empty_with_bad_tag).error() == CryptError::TagMismatch);

    const boost::system::error_code code = CryptError::Replay;
    CHECK(code.category().name() == std::string{"plenum.crypt"});
    CHECK(code.message() == "replayed datagram");
  }

  TEST_CASE("resync is requested only after 5 s without a good packet, at most every 5 s") {
    Link link{kNonce};
    link.receiver.mark_good(kT0);
    CHECK(!link.receiver.should_request_resync(kT0 + 5s));
    CHECK(link.receiver.should_request_resync(kT0 + 6s));

    Bytes out(64);
    REQUIRE(link.receiver.decrypt(link.seal(kSecret), out, kT0 + 6s));
    CHECK(link.receiver.last_good() == kT0 + 6s);
    CHECK(!link.receiver.should_request_resync(kT0 + 10s));
    CHECK(link.receiver.should_request_resync(kT0 + 12s));
    link.receiver.mark_resync_requested(kT0 + 12s);
    CHECK(!link.receiver.should_request_resync(kT0 + 16s));
    CHECK(link.receiver.should_request_resync(kT0 + 18s));
  }

  TEST_CASE("generate makes a random key that a peer can use, and remote stats are stored") {
    CryptStateOCB2 server = CryptStateOCB2::generate();
    CryptStateOCB2 other = CryptStateOCB2::generate();
    CHECK(server.is_valid());
    CHECK(server.key() != other.key());
    CHECK(server.encrypt_iv() != server.decrypt_iv());

    CryptStateOCB2 client;
    REQUIRE(client.set_key(server.key(), server.decrypt_iv(), server.encrypt_iv()));
    Bytes datagram(kSecret.size() + 4);
    REQUIRE(client.encrypt(kSecret, datagram));
    Bytes plain(kSecret.size());
    REQUIRE(server.decrypt(datagram, plain, kT0));
    CHECK(plain == kSecret);

    server.set_remote_stats(stats(10, 2, 3, 1));
    CHECK(server.remote_stats() == stats(10, 2, 3, 1));
    CHECK(client.remote_stats() == CryptStats{});
  }
}
