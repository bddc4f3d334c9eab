// Test-only helpers for the OCB2 tests: hex parsing and a deliberately plain OCB2-AES-128
// (MUMBLE_PROTOCOL.md §7.3, one AES call per block, countermeasure optional) to check the
// batched production code against and to build the §7.4 forgery.
#pragma once

#include "protocol/bytes.hpp"
#include "tests/unit/protocol/voice_fixtures.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace plenum::test {

using Block16 = std::array<std::byte, 16>;

inline protocol::Bytes from_hex(std::string_view hex) { return protocol::testing::hex(hex); }

inline Block16 block_from_hex(std::string_view hex) {
  const protocol::Bytes bytes = from_hex(hex);
  if (bytes.size() != 16) throw std::invalid_argument("block needs 16 bytes");
  Block16 block;
  std::copy(bytes.begin(), bytes.end(), block.begin());
  return block;
}

// 00 01 02 ... (n-1)
inline protocol::Bytes counting_bytes(std::size_t n, unsigned first = 0) {
  protocol::Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((first + i) & 0xffU);
  return out;
}

inline Block16 aes128_block(const Block16& key, const Block16& in) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free};
  Block16 out{};
  int written = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, k, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written,
                        reinterpret_cast<const unsigned char*>(in.data()), 16) != 1) {
    throw std::runtime_error("AES failed");
  }
  return out;
}

inline Block16 xor_blocks(const Block16& a, const Block16& b) {
  Block16 out;
  for (std::size_t i = 0; i < 16; ++i) out[i] = a[i] ^ b[i];
  return out;
}

inline Block16 times_two(const Block16& in) {
  Block16 out;
  const unsigned carry = std::to_integer<unsigned>(in[0]) >> 7U;
  for (std::size_t i = 0; i < 15; ++i) {
    out[i] = static_cast<std::byte>((std::to_integer<unsigned>(in[i]) << 1U |
                                     std::to_integer<unsigned>(in[i + 1]) >> 7U) & 0xffU);
  }
  out[15] = static_cast<std::byte>(((std::to_integer<unsigned>(in[15]) << 1U) ^ (carry * 0x87U)) &
                                   0xffU);
  return out;
}

struct Ocb2Output {
  protocol::Bytes cipher;
  Block16 tag;
};

inline Ocb2Output reference_ocb2_encrypt(const Block16& key, const Block16& nonce,
                                         protocol::ByteView plain, bool countermeasure) {
  Ocb2Output result;
  Block16 delta = aes128_block(key, nonce);
  Block16 checksum{};
  while (plain.size() > 16) {
    Block16 block;
    std::copy_n(plain.begin(), 16, block.begin());
    const bool penultimate = plain.size() <= 32;
    const bool zero15 = std::all_of(block.begin(), block.begin() + 15,
                                    [](std::byte b) { return b == std::byte{0}; });
    if (countermeasure && penultimate && zero15) block[0] ^= std::byte{1};
    delta = times_two(delta);
    const Block16 c = xor_blocks(delta, aes128_block(key, xor_blocks(delta, block)));
    result.cipher.insert(result.cipher.end(), c.begin(), c.end());
    checksum = xor_blocks(checksum, block);
    plain = plain.subspan(16);
  }
  delta = times_two(delta);
  Block16 length{};
  length[15] = static_cast<std::byte>(plain.size() * 8);
  const Block16 pad = aes128_block(key, xor_blocks(delta, length));
  Block16 last = pad;
  std::copy(plain.begin(), plain.end(), last.begin());
  for (std::size_t i = 0; i < plain.size(); ++i) result.cipher.push_back(plain[i] ^ pad[i]);
  checksum = xor_blocks(checksum, last);
  result.tag = aes128_block(key, xor_blocks(xor_blocks(times_two(delta), delta), checksum));
  return result;
}

}  // namespace plenum::test
