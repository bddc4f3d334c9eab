// CryptStateOCB2: one UDP voice session's crypto as Mumble speaks it (MUMBLE_PROTOCOL.md §7):
// OCB2-AES-128 datagrams with a 4-byte header, the receive window and the good/late/lost/resync
// counters. Owned by one voice session and touched only on its voice thread; the clock is
// passed in, never read.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/ocb2_aes128.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace plenum::protocol {

// Why a datagram was not accepted; callers count drops by these.
enum class CryptError {
  TooShort = 1,     // fewer than the 4 header bytes
  NotInitialised,   // no key installed
  OutputTooSmall,   // the caller's buffer cannot hold the result
  Replay,           // this IV was already accepted
  OutOfWindow,      // 30 or more packets behind the newest
  TagMismatch,      // authentication failed (also: IV too far ahead, until resync)
  Forgery,          // the §7.4 XEX* check fired
  CipherFailure,    // OpenSSL reported an error
};

const boost::system::error_category& crypt_category() noexcept;
boost::system::error_code make_error_code(CryptError error) noexcept;

// Packet counters as Mumble reports them in Ping and UserStats.
struct CryptStats {
  std::uint32_t good = 0;
  std::uint32_t late = 0;
  std::uint32_t lost = 0;
  std::uint32_t resync = 0;

  friend bool operator==(const CryptStats&, const CryptStats&) = default;
};

class CryptStateOCB2 {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kKeySize = 16;
  static constexpr std::size_t kNonceSize = 16;
  static constexpr std::size_t kHeaderSize = 4;
  // §7.6: a failing peer is asked to resync only after this long without a good packet, and
  // at most once per this interval.
  static constexpr std::chrono::seconds kResyncInterval{5};
  using Key = std::array<std::byte, kKeySize>;
  using Nonce = std::array<std::byte, kNonceSize>;

  // Unkeyed: encrypt and decrypt fail with NotInitialised until set_key.
  CryptStateOCB2() = default;

  // A fresh random key and nonces (what a server does per connection). Throws
  // std::runtime_error if OpenSSL's generator fails; call it on the control plane.
  static CryptStateOCB2 generate();

  // Installs the key and both IVs (a full CryptSetup). The replay history starts empty; the
  // counters carry on, as Mumble's do. False only if OpenSSL refuses the key.
  bool set_key(const Key& key, const Nonce& encrypt_iv, const Nonce& decrypt_iv);
  bool is_valid() const noexcept { return cipher_.has_key(); }

  const Key& key() const noexcept { return key_; }
  const Nonce& encrypt_iv() const noexcept { return encrypt_iv_; }
  const Nonce& decrypt_iv() const noexcept { return decrypt_iv_; }

  // Resync (§7.6): the peer told us the IV it encrypts with. Counts one resync.
  void set_decrypt_iv(const Nonce& iv) noexcept;

  // Writes header ‖ ciphertext into out (out.size() >= plain.size() + kHeaderSize, no overlap)
  // and returns the datagram length.
  Result<std::size_t> encrypt(ByteView plain, MutableByteView out) noexcept;

  // Authenticates and decrypts one datagram into out (out.size() >= datagram.size() -
  // kHeaderSize, no overlap) and returns the plaintext length. On error out holds garbage and
  // the receive state is unchanged. `now` is recorded as the last good time on success.
  Result<std::size_t> decrypt(ByteView datagram, MutableByteView out, Clock::time_point now) noexcept;

  // §7.6 trigger, for the caller to ask after a failed decrypt: no good packet and no resync
  // request for longer than kResyncInterval. Mumble starts both timers at key setup; callers
  // get the same grace by calling mark_good(now) when they install the key.
  bool should_request_resync(Clock::time_point now) const noexcept;
  void mark_resync_requested(Clock::time_point now) noexcept { last_request_ = now; }
  void mark_good(Clock::time_point now) noexcept { last_good_ = now; }
  Clock::time_point last_good() const noexcept { return last_good_; }

  // What we decrypted, and what the peer says it decrypted (from its Ping).
  const CryptStats& local_stats() const noexcept { return local_; }
  const CryptStats& remote_stats() const noexcept { return remote_; }
  void set_remote_stats(const CryptStats& stats) noexcept { remote_ = stats; }

 private:
  // Outcome of mapping the header's IV byte onto decrypt_iv_ (§7.5).
  struct IvUpdate {
    bool accepted = false;
    CryptError error = CryptError::Replay;
    bool restore = false;
    int late = 0;
    int lost = 0;
  };
  IvUpdate advance_decrypt_iv(std::uint8_t iv_byte) noexcept;
  void count(const IvUpdate& update) noexcept;

  Ocb2Aes128 cipher_;
  Key key_{};
  Nonce encrypt_iv_{};
  Nonce decrypt_iv_{};
  // history_[low IV byte] = IV byte 1 of the last packet accepted with that low byte.
  std::array<std::uint8_t, 256> history_{};
  CryptStats local_;
  CryptStats remote_;
  Clock::time_point last_good_{};
  Clock::time_point last_request_{};
};

}  // namespace plenum::protocol

template <>
struct boost::system::is_error_code_enum<plenum::protocol::CryptError> : std::true_type {};
