// Ocb2Aes128: the OCB2-AES-128 block mode exactly as Mumble uses it (MUMBLE_PROTOCOL.md §7.3,
// §7.4), below the packet layer. Owned by one CryptStateOCB2, touched by one thread.
#pragma once

#include "protocol/bytes.hpp"

#include <array>
#include <cstddef>
#include <memory>

struct evp_cipher_ctx_st;

namespace plenum::protocol {

class Ocb2Aes128 {
 public:
  static constexpr std::size_t kBlockSize = 16;
  static constexpr std::size_t kKeySize = 16;
  using Block = std::array<std::byte, kBlockSize>;

  // Allocates the two OpenSSL cipher contexts; throws std::bad_alloc when OpenSSL cannot.
  Ocb2Aes128();
  ~Ocb2Aes128();
  Ocb2Aes128(Ocb2Aes128&&) noexcept;
  Ocb2Aes128& operator=(Ocb2Aes128&&) noexcept;
  Ocb2Aes128(const Ocb2Aes128&) = delete;
  Ocb2Aes128& operator=(const Ocb2Aes128&) = delete;

  // Keys both contexts. False only if OpenSSL refuses, which leaves the object unkeyed.
  bool set_key(const Block& key);
  bool has_key() const noexcept { return keyed_; }

  // Encrypts plain into out (out.size() >= plain.size(), no overlap) and writes the full
  // 16-byte tag. Applies the XEX* countermeasure of §7.4: a penultimate block whose bytes 0-14
  // are zero is sent with byte 0 flipped to 1. False only on an OpenSSL failure.
  bool encrypt(ByteView plain, MutableByteView out, const Block& nonce, Block& tag) noexcept;

  // The result of decrypt: whether OpenSSL ran and whether the §7.4 receiver check passed.
  // The caller still compares `tag` with the transmitted (truncated) tag.
  enum class DecryptOutcome { Ok, ForgeryDetected, CipherFailure };

  // Decrypts cipher into out (out.size() >= cipher.size(), no overlap) and computes the tag.
  DecryptOutcome decrypt(ByteView cipher, MutableByteView out, const Block& nonce,
                         Block& tag) noexcept;

 private:
  struct CtxDeleter {
    void operator()(evp_cipher_ctx_st* ctx) const noexcept;
  };
  using CtxPtr = std::unique_ptr<evp_cipher_ctx_st, CtxDeleter>;

  CtxPtr encrypt_ctx_;
  CtxPtr decrypt_ctx_;
  bool keyed_ = false;
};

}  // namespace plenum::protocol
