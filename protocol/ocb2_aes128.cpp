#include "protocol/ocb2_aes128.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace plenum::protocol {
namespace {

constexpr std::size_t kBlock = Ocb2Aes128::kBlockSize;
// Blocks handed to OpenSSL in one ECB call. 64 covers a whole 1,020-byte Mumble datagram
// (63 full blocks + the pad block), so a voice packet costs three or four EVP calls in total.
constexpr std::size_t kBatchBlocks = 64;

constexpr std::uint64_t big_endian(std::uint64_t value) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    return __builtin_bswap64(value);
  } else {
    return value;
  }
}

// A 128-bit block as two words in memory byte order, so XOR with data needs no conversion.
struct Block128 {
  std::uint64_t w0 = 0;
  std::uint64_t w1 = 0;

  static Block128 load(const unsigned char* bytes) noexcept {
    Block128 block;
    std::memcpy(&block.w0, bytes, sizeof block.w0);
    std::memcpy(&block.w1, bytes + sizeof block.w0, sizeof block.w1);
    return block;
  }
  void store(unsigned char* bytes) const noexcept {
    std::memcpy(bytes, &w0, sizeof w0);
    std::memcpy(bytes + sizeof w0, &w1, sizeof w1);
  }
  friend Block128 operator^(Block128 a, Block128 b) noexcept { return {a.w0 ^ b.w0, a.w1 ^ b.w1}; }
  Block128& operator^=(Block128 other) noexcept { return *this = *this ^ other; }
};

// Multiplication by x in GF(2^128) on a big-endian block (OCB2's "times 2").
Block128 dbl(Block128 block) noexcept {
  const std::uint64_t hi = big_endian(block.w0);
  const std::uint64_t lo = big_endian(block.w1);
  const std::uint64_t carry = hi >> 63U;
  return {big_endian((hi << 1U) | (lo >> 63U)), big_endian((lo << 1U) ^ (carry * 0x87U))};
}

Block128 tpl(Block128 block) noexcept { return dbl(block) ^ block; }

// LEN(r): the bit length of the final block as a big-endian 128-bit integer.
Block128 length_block(std::size_t final_bytes) noexcept {
  unsigned char bytes[kBlock] = {};
  bytes[kBlock - 1] = static_cast<unsigned char>(final_bytes * 8U);
  return Block128::load(bytes);
}

// The number of blocks handled by OCB2's full-block loop: it runs while MORE than 16 bytes
// remain, so a final full block goes through the padded tail path instead.
std::size_t full_block_count(std::size_t length) noexcept {
  return length > kBlock ? (length - 1) / kBlock : 0;
}

// ECB over `blocks` consecutive blocks in place, in the direction the context was keyed for.
bool ecb(EVP_CIPHER_CTX* aes, unsigned char* data, std::size_t blocks) noexcept {
  const int length = static_cast<int>(blocks * kBlock);
  int written = 0;
  return EVP_CipherUpdate(aes, data, &written, data, length) == 1 && written == length;
}

// Running state at the end of the full-block loop: the final-block Δ, the checksum, and (once
// computed) the pad E(Δ ⊕ LEN(r)).
struct FinalBlock {
  Block128 delta;
  Block128 checksum;
  unsigned char pad[kBlock];
};

bool all_zero_but_last(const unsigned char* block) noexcept {
  return std::all_of(block, block + kBlock - 1, [](unsigned char b) { return b == 0; });
}

// The full blocks of a plaintext, and the pad of its final block. Every Δ is known before any
// AES call, so a chunk of blocks goes to OpenSSL at once; the pad block rides along with the
// last chunk.
bool seal_full_blocks_and_pad(EVP_CIPHER_CTX* aes, const unsigned char* in, unsigned char* out,
                              std::size_t full, std::size_t tail, FinalBlock& state) noexcept {
  alignas(16) unsigned char batch[(kBatchBlocks + 1) * kBlock];
  Block128 deltas[kBatchBlocks];
  // Locals, not `state`: byte stores may alias it and would force reloads every block.
  Block128 delta = state.delta;
  Block128 checksum = state.checksum;
  for (std::size_t done = 0;;) {
    const std::size_t count = std::min(kBatchBlocks, full - done);
    const bool last_chunk = done + count == full;
    for (std::size_t j = 0; j < count; ++j) {
      unsigned char block[kBlock];
      std::memcpy(block, in + (done + j) * kBlock, kBlock);
      // §7.4: the penultimate block must not look like LEN(x) to the forgery; flip a bit.
      if (done + j + 1 == full && all_zero_but_last(block)) block[0] ^= 1U;
      const Block128 plain_block = Block128::load(block);
      delta = dbl(delta);
      deltas[j] = delta;
      checksum ^= plain_block;
      (delta ^ plain_block).store(batch + j * kBlock);
    }
    if (last_chunk) {
      delta = dbl(delta);
      (delta ^ length_block(tail)).store(batch + count * kBlock);
    }
    if (!ecb(aes, batch, count + (last_chunk ? 1 : 0))) return false;
    for (std::size_t j = 0; j < count; ++j) {
      (Block128::load(batch + j * kBlock) ^ deltas[j]).store(out + (done + j) * kBlock);
    }
    done += count;
    if (last_chunk) {
      std::memcpy(state.pad, batch + count * kBlock, kBlock);
      state.delta = delta;
      state.checksum = checksum;
      return true;
    }
  }
}

// The full blocks of a ciphertext, a chunk of AES decryptions per OpenSSL call.
bool open_full_blocks(EVP_CIPHER_CTX* aes_decrypt, const unsigned char* in, unsigned char* out,
                      std::size_t full, FinalBlock& state) noexcept {
  alignas(16) unsigned char batch[kBatchBlocks * kBlock];
  Block128 deltas[kBatchBlocks];
  Block128 delta = state.delta;
  Block128 checksum = state.checksum;
  for (std::size_t done = 0; done < full;) {
    const std::size_t count = std::min(kBatchBlocks, full - done);
    for (std::size_t j = 0; j < count; ++j) {
      delta = dbl(delta);
      deltas[j] = delta;
      (delta ^ Block128::load(in + (done + j) * kBlock)).store(batch + j * kBlock);
    }
    if (!ecb(aes_decrypt, batch, count)) return false;
    for (std::size_t j = 0; j < count; ++j) {
      const Block128 plain_block = Block128::load(batch + j * kBlock) ^ deltas[j];
      plain_block.store(out + (done + j) * kBlock);
      checksum ^= plain_block;
    }
    done += count;
  }
  state.delta = delta;
  state.checksum = checksum;
  return true;
}

// T = E(3Δ ⊕ Σ), with the Δ of the final block (§7.3).
bool compute_tag(EVP_CIPHER_CTX* aes, const FinalBlock& state, Ocb2Aes128::Block& tag) noexcept {
  unsigned char block[kBlock];
  (tpl(state.delta) ^ state.checksum).store(block);
  if (!ecb(aes, block, 1)) return false;
  std::memcpy(tag.data(), block, kBlock);
  return true;
}

}  // namespace

void Ocb2Aes128::CtxDeleter::operator()(evp_cipher_ctx_st* ctx) const noexcept {
  EVP_CIPHER_CTX_free(ctx);
}

Ocb2Aes128::Ocb2Aes128() : encrypt_ctx_(EVP_CIPHER_CTX_new()), decrypt_ctx_(EVP_CIPHER_CTX_new()) {
  if (!encrypt_ctx_ || !decrypt_ctx_) throw std::bad_alloc{};
}

Ocb2Aes128::~Ocb2Aes128() = default;

Ocb2Aes128::Ocb2Aes128(Ocb2Aes128&& other) noexcept
    : encrypt_ctx_(std::move(other.encrypt_ctx_)),
      decrypt_ctx_(std::move(other.decrypt_ctx_)),
      keyed_(std::exchange(other.keyed_, false)) {}

Ocb2Aes128& Ocb2Aes128::operator=(Ocb2Aes128&& other) noexcept {
  encrypt_ctx_ = std::move(other.encrypt_ctx_);
  decrypt_ctx_ = std::move(other.decrypt_ctx_);
  keyed_ = std::exchange(other.keyed_, false);
  return *this;
}

bool Ocb2Aes128::set_key(const Block& key) {
  keyed_ = false;
  if (!encrypt_ctx_ || !decrypt_ctx_) return false;
  const auto* raw = reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_EncryptInit_ex(encrypt_ctx_.get(), EVP_aes_128_ecb(), nullptr, raw, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(encrypt_ctx_.get(), 0) != 1 ||
      EVP_DecryptInit_ex(decrypt_ctx_.get(), EVP_aes_128_ecb(), nullptr, raw, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(decrypt_ctx_.get(), 0) != 1) {
    return false;
  }
  keyed_ = true;
  return true;
}

bool Ocb2Aes128::encrypt(ByteView plain, MutableByteView out, const Block& nonce,
                         Block& tag) noexcept {
  if (!keyed_ || out.size() < plain.size()) return false;
  EVP_CIPHER_CTX* aes = encrypt_ctx_.get();
  const unsigned char* in = as_uchars(plain);
  unsigned char* dst = as_uchars(out);

  unsigned char block[kBlock];
  std::memcpy(block, nonce.data(), kBlock);
  if (!ecb(aes, block, 1)) return false;
  FinalBlock last{Block128::load(block), {}, {}};
  const std::size_t full = full_block_count(plain.size());
  const std::size_t tail = plain.size() - full * kBlock;
  if (!seal_full_blocks_and_pad(aes, in, dst, full, tail, last)) return false;

  // The final block: plaintext tail ‖ pad bytes enters the checksum, tail ⊕ pad is sent.
  unsigned char padded[kBlock];
  std::memcpy(padded, last.pad, kBlock);
  if (tail > 0) std::memcpy(padded, in + full * kBlock, tail);
  for (std::size_t k = 0; k < tail; ++k) {
    dst[full * kBlock + k] = static_cast<unsigned char>(padded[k] ^ last.pad[k]);
  }
  last.checksum ^= Block128::load(padded);
  return compute_tag(aes, last, tag);
}

Ocb2Aes128::DecryptOutcome Ocb2Aes128::decrypt(ByteView cipher, MutableByteView out,
                                               const Block& nonce, Block& tag) noexcept {
  if (!keyed_ || out.size() < cipher.size()) return DecryptOutcome::CipherFailure;
  EVP_CIPHER_CTX* aes = encrypt_ctx_.get();
  const unsigned char* in = as_uchars(cipher);
  unsigned char* dst = as_uchars(out);

  unsigned char block[kBlock];
  std::memcpy(block, nonce.data(), kBlock);
  if (!ecb(aes, block, 1)) return DecryptOutcome::CipherFailure;
  FinalBlock last{Block128::load(block), {}, {}};
  const std::size_t full = full_block_count(cipher.size());
  const std::size_t tail = cipher.size() - full * kBlock;
  if (!open_full_blocks(decrypt_ctx_.get(), in, dst, full, last)) {
    return DecryptOutcome::CipherFailure;
  }

  last.delta = dbl(last.delta);
  (last.delta ^ length_block(tail)).store(last.pad);
  if (!ecb(aes, last.pad, 1)) return DecryptOutcome::CipherFailure;
  unsigned char padded[kBlock] = {};
  if (tail > 0) std::memcpy(padded, in + full * kBlock, tail);
  for (std::size_t k = 0; k < kBlock; ++k) {
    padded[k] = static_cast<unsigned char>(padded[k] ^ last.pad[k]);
  }
  if (tail > 0) std::memcpy(dst + full * kBlock, padded, tail);
  last.checksum ^= Block128::load(padded);

  // §7.4 receiver check: a forged final block decrypts to Δ ⊕ LEN(x); only the last byte of
  // LEN varies, so compare the first 15 bytes.
  unsigned char delta_bytes[kBlock];
  last.delta.store(delta_bytes);
  const bool forged = std::memcmp(padded, delta_bytes, kBlock - 1) == 0;
  if (!compute_tag(aes, last, tag)) return DecryptOutcome::CipherFailure;
  return forged ? DecryptOutcome::ForgeryDetected : DecryptOutcome::Ok;
}

}  // namespace plenum::protocol
