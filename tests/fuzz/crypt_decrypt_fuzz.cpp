// Fuzzes CryptStateOCB2::decrypt with a fixed key and decrypt IV (those of MUMBLE_PROTOCOL.md
// §9.5, so the corpus can hold real datagrams). The input is tried as one datagram, by a few of
// its prefixes, and as a sequence of records [u8 length][datagram] fed to one receiver, which
// lets the fuzzer reorder, drop and repeat valid datagrams to walk the replay window.
// Every accepted datagram must re-encrypt to itself and round-trip through a second state.
#include "protocol/crypt_state_ocb2.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

using plenum::protocol::ByteView;
using plenum::protocol::CryptStateOCB2;
using plenum::protocol::CryptStats;

namespace {

constexpr CryptStateOCB2::Clock::time_point kNow{std::chrono::seconds{100}};

CryptStateOCB2::Key counting_key() {
  CryptStateOCB2::Key key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::byte>(i);
  return key;
}

const CryptStateOCB2::Key kKey = counting_key();

void require(bool condition) {
  if (!condition) std::abort();
}

CryptStateOCB2 fresh_receiver() {
  CryptStateOCB2 state;
  require(state.set_key(kKey, CryptStateOCB2::Nonce{}, kKey));
  return state;
}

void decrement(CryptStateOCB2::Nonce& iv) {
  for (auto& byte : iv) {
    const bool was_nonzero = byte != std::byte{0};
    byte = static_cast<std::byte>(std::to_integer<unsigned>(byte) - 1U);
    if (was_nonzero) break;
  }
}

// What the receiver should get back after re-encrypting `plain`: the sender flips byte 0 of a
// penultimate block whose bytes 0..14 are zero (§7.4).
std::vector<std::byte> expected_round_trip(ByteView plain) {
  std::vector<std::byte> expected(plain.begin(), plain.end());
  if (plain.size() > 16) {
    const std::size_t start = ((plain.size() - 1) / 16 - 1) * 16;
    if (std::all_of(expected.begin() + static_cast<std::ptrdiff_t>(start),
                    expected.begin() + static_cast<std::ptrdiff_t>(start + 15),
                    [](std::byte b) { return b == std::byte{0}; })) {
      expected[start] ^= std::byte{1};
    }
  }
  return expected;
}

void check_round_trip(ByteView datagram, ByteView plain, const CryptStateOCB2::Nonce* used_iv) {
  CryptStateOCB2 sender;
  CryptStateOCB2::Nonce start = kKey;
  if (used_iv != nullptr) {
    start = *used_iv;
    decrement(start);  // the sender increments before use
  }
  require(sender.set_key(kKey, start, CryptStateOCB2::Nonce{}));
  std::vector<std::byte> resent(plain.size() + CryptStateOCB2::kHeaderSize);
  const auto sent = sender.encrypt(plain, resent);
  require(sent && *sent == resent.size());
  const std::vector<std::byte> expected = expected_round_trip(plain);
  if (used_iv != nullptr && expected == std::vector<std::byte>(plain.begin(), plain.end())) {
    require(std::equal(resent.begin(), resent.end(), datagram.begin(), datagram.end()));
  }

  CryptStateOCB2 receiver;
  require(receiver.set_key(kKey, CryptStateOCB2::Nonce{}, start));
  std::vector<std::byte> reopened(plain.size());
  const auto opened = receiver.decrypt(resent, reopened, kNow);
  require(opened && *opened == plain.size() && reopened == expected);
  require(receiver.local_stats() == CryptStats{1, 0, 0, 0});
}

void decrypt_one(CryptStateOCB2& state, ByteView datagram) {
  const CryptStateOCB2::Nonce iv_before = state.decrypt_iv();
  const CryptStats stats_before = state.local_stats();
  std::vector<std::byte> plain(datagram.size());
  const auto result = state.decrypt(datagram, plain, kNow);
  if (!result) {
    require(result.error().category() == plenum::protocol::crypt_category());
    require(!result.error().message().empty());
    require(state.decrypt_iv() == iv_before && state.local_stats() == stats_before);
    return;
  }
  require(*result + CryptStateOCB2::kHeaderSize == datagram.size());
  const CryptStats& stats = state.local_stats();
  require(stats.good == stats_before.good + 1 && stats.resync == 0);
  require(stats.late >= stats_before.late && stats.late <= stats_before.late + 1);
  require(state.last_good() == kNow);
  require(std::to_integer<unsigned>(state.decrypt_iv()[0]) ==
              std::to_integer<unsigned>(datagram[0]) ||
          state.decrypt_iv() == iv_before);
  const bool moved = state.decrypt_iv() != iv_before;
  const ByteView plaintext{plain.data(), *result};
  check_round_trip(datagram, plaintext, moved ? &state.decrypt_iv() : nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input{reinterpret_cast<const std::byte*>(data), size};

  CryptStateOCB2 whole = fresh_receiver();
  decrypt_one(whole, input);
  for (const std::size_t prefix : {std::size_t{4}, size / 2, size - (size > 0 ? 1 : 0)}) {
    if (prefix > size) continue;
    CryptStateOCB2 state = fresh_receiver();
    decrypt_one(state, input.first(prefix));
  }

  CryptStateOCB2 sequence = fresh_receiver();
  for (ByteView rest = input; !rest.empty();) {
    const std::size_t length = std::min<std::size_t>(std::to_integer<std::size_t>(rest[0]),
                                                     rest.size() - 1);
    decrypt_one(sequence, rest.subspan(1, length));
    rest = rest.subspan(1 + length);
  }
  return 0;
}
