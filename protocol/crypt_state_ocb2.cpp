#include "protocol/crypt_state_ocb2.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace plenum::protocol {
namespace {

// Boost's error_category has a protected non-virtual destructor by design (categories are
// never deleted through a base pointer), which -Wnon-virtual-dtor flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class CryptCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.crypt"; }

  std::string message(int value) const override {
    switch (static_cast<CryptError>(value)) {
      case CryptError::TooShort: return "datagram shorter than the crypt header";
      case CryptError::NotInitialised: return "no crypt key installed";
      case CryptError::OutputTooSmall: return "output buffer too small";
      case CryptError::Replay: return "replayed datagram";
      case CryptError::OutOfWindow: return "datagram too old for the replay window";
      case CryptError::TagMismatch: return "authentication tag mismatch";
      case CryptError::Forgery: return "OCB2 forgery countermeasure rejected the datagram";
      case CryptError::CipherFailure: return "OpenSSL cipher failure";
    }
    return "unknown crypt error";
  }
};
#pragma GCC diagnostic pop

// IV bytes 1..15 as a little-endian counter (byte 0 is handled by the caller).
void carry_into_high_bytes(CryptStateOCB2::Nonce& iv) noexcept {
  for (std::size_t i = 1; i < iv.size(); ++i) {
    iv[i] = static_cast<std::byte>(std::to_integer<unsigned>(iv[i]) + 1U);
    if (iv[i] != std::byte{0}) break;
  }
}

void borrow_from_high_bytes(CryptStateOCB2::Nonce& iv) noexcept {
  for (std::size_t i = 1; i < iv.size(); ++i) {
    const bool was_nonzero = iv[i] != std::byte{0};
    iv[i] = static_cast<std::byte>(std::to_integer<unsigned>(iv[i]) - 1U);
    if (was_nonzero) break;
  }
}

void increment(CryptStateOCB2::Nonce& iv) noexcept {
  for (auto& byte : iv) {
    byte = static_cast<std::byte>(std::to_integer<unsigned>(byte) + 1U);
    if (byte != std::byte{0}) break;
  }
}

std::uint32_t add_clamped(std::uint32_t counter, int delta) noexcept {
  if (delta >= 0) return counter + static_cast<std::uint32_t>(delta);
  const auto decrease = static_cast<std::uint32_t>(-delta);
  return counter > decrease ? counter - decrease : 0;
}

}  // namespace

const boost::system::error_category& crypt_category() noexcept {
  static const CryptCategory category;
  return category;
}

boost::system::error_code make_error_code(CryptError error) noexcept {
  return {static_cast<int>(error), crypt_category()};
}

CryptStateOCB2 CryptStateOCB2::generate() {
  Key key;
  Nonce encrypt_iv;
  Nonce decrypt_iv;
  for (auto* buffer : {key.data(), encrypt_iv.data(), decrypt_iv.data()}) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer), static_cast<int>(kKeySize)) != 1) {
      throw std::runtime_error("crypt: OpenSSL RAND_bytes failed to generate a voice key");
    }
  }
  CryptStateOCB2 state;
  if (!state.set_key(key, encrypt_iv, decrypt_iv)) {
    throw std::runtime_error("crypt: OpenSSL refused the generated AES-128 key");
  }
  OPENSSL_cleanse(key.data(), key.size());
  return state;
}

bool CryptStateOCB2::set_key(const Key& key, const Nonce& encrypt_iv, const Nonce& decrypt_iv) {
  if (!cipher_.set_key(key)) return false;
  key_ = key;
  encrypt_iv_ = encrypt_iv;
  decrypt_iv_ = decrypt_iv;
  history_.fill(0);
  return true;
}

void CryptStateOCB2::set_decrypt_iv(const Nonce& iv) noexcept {
  decrypt_iv_ = iv;
  ++local_.resync;
}

Result<std::size_t> CryptStateOCB2::encrypt(ByteView plain, MutableByteView out) noexcept {
  if (!is_valid()) return make_error_code(CryptError::NotInitialised);
  if (out.size() < plain.size() + kHeaderSize) return make_error_code(CryptError::OutputTooSmall);

  increment(encrypt_iv_);
  Ocb2Aes128::Block tag;
  if (!cipher_.encrypt(plain, out.subspan(kHeaderSize), encrypt_iv_, tag)) {
    return make_error_code(CryptError::CipherFailure);
  }
  out[0] = encrypt_iv_[0];
  out[1] = tag[0];
  out[2] = tag[1];
  out[3] = tag[2];
  return plain.size() + kHeaderSize;
}

// §7.5, branch for branch, including Mumble's quirks: the history check runs only for
// out-of-order packets and can reject a gap packet whose IV byte 1 matches a never-used slot.
CryptStateOCB2::IvUpdate CryptStateOCB2::advance_decrypt_iv(std::uint8_t iv_byte) noexcept {
  IvUpdate update;
  const auto current = std::to_integer<std::uint8_t>(decrypt_iv_[0]);
  const auto next = static_cast<std::uint8_t>(current + 1U);
  decrypt_iv_[0] = std::byte{iv_byte};

  if (iv_byte == next) {
    if (iv_byte < current) carry_into_high_bytes(decrypt_iv_);
    update.accepted = true;
    return update;
  }

  int diff = iv_byte - current;
  if (diff > 128) {
    diff -= 256;
  } else if (diff < -128) {
    diff += 256;
  }
  const bool in_late_window = diff > -30 && diff < 0;
  if (in_late_window) {
    // A late packet: decrypt it with its own IV, then restore ours.
    if (iv_byte > current) borrow_from_high_bytes(decrypt_iv_);
    update.late = 1;
    update.lost = -1;
    update.restore = true;
  } else if (diff > 0) {
    // Packets were lost (or reordered past us); jump forward.
    if (iv_byte > current) {
      update.lost = iv_byte - current - 1;
    } else {
      update.lost = 256 - current + iv_byte - 1;
      carry_into_high_bytes(decrypt_iv_);
    }
  } else {
    update.error = diff == 0 ? CryptError::Replay : CryptError::OutOfWindow;
    return update;
  }

  if (history_[iv_byte] == std::to_integer<std::uint8_t>(decrypt_iv_[1])) {
    update.error = CryptError::Replay;
    return update;
  }
  update.accepted = true;
  return update;
}

void CryptStateOCB2::count(const IvUpdate& update) noexcept {
  ++local_.good;
  // Mumble master keeps the unsigned counters from wrapping below zero.
  local_.late = add_clamped(local_.late, update.late);
  local_.lost = add_clamped(local_.lost, update.lost);
}

Result<std::size_t> CryptStateOCB2::decrypt(ByteView datagram, MutableByteView out,
                                            Clock::time_point now) noexcept {
  if (!is_valid()) return make_error_code(CryptError::NotInitialised);
  if (datagram.size() < kHeaderSize) return make_error_code(CryptError::TooShort);
  const std::size_t plain_size = datagram.size() - kHeaderSize;
  if (out.size() < plain_size) return make_error_code(CryptError::OutputTooSmall);

  const Nonce saved = decrypt_iv_;
  const IvUpdate update = advance_decrypt_iv(std::to_integer<std::uint8_t>(datagram[0]));
  if (!update.accepted) {
    decrypt_iv_ = saved;
    return make_error_code(update.error);
  }

  Ocb2Aes128::Block tag;
  const auto outcome =
      cipher_.decrypt(datagram.subspan(kHeaderSize), out.first(plain_size), decrypt_iv_, tag);
  if (outcome != Ocb2Aes128::DecryptOutcome::Ok ||
      CRYPTO_memcmp(tag.data(), datagram.data() + 1, kHeaderSize - 1) != 0) {
    decrypt_iv_ = saved;
    switch (outcome) {
      case Ocb2Aes128::DecryptOutcome::ForgeryDetected:
        return make_error_code(CryptError::Forgery);
      case Ocb2Aes128::DecryptOutcome::CipherFailure:
        return make_error_code(CryptError::CipherFailure);
      case Ocb2Aes128::DecryptOutcome::Ok:
        break;
    }
    return make_error_code(CryptError::TagMismatch);
  }

  history_[std::to_integer<std::uint8_t>(decrypt_iv_[0])] =
      std::to_integer<std::uint8_t>(decrypt_iv_[1]);
  if (update.restore) decrypt_iv_ = saved;
  count(update);
  last_good_ = now;
  return plain_size;
}

bool CryptStateOCB2::should_request_resync(Clock::time_point now) const noexcept {
  return now - last_good_ > kResyncInterval && now - last_request_ > kResyncInterval;
}

}  // namespace plenum::protocol
