// UDP voice crypto per packet: CryptStateOCB2 encrypt, decrypt and both, for a typical Opus
// voice datagram (60 bytes) and a large one (200 bytes). No main(): link benchmark::benchmark_main.
#include "protocol/crypt_state_ocb2.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <vector>

using namespace plenum::protocol;

namespace {

const CryptStateOCB2::Clock::time_point kNow{std::chrono::seconds{1}};

struct Link {
  CryptStateOCB2 sender;
  CryptStateOCB2 receiver;
  Bytes plain;

  explicit Link(std::size_t size) : plain(size) {
    std::mt19937 rng{1};
    CryptStateOCB2::Key key;
    CryptStateOCB2::Nonce iv;
    for (auto& b : key) b = static_cast<std::byte>(rng());
    for (auto& b : iv) b = static_cast<std::byte>(rng());
    for (auto& b : plain) b = static_cast<std::byte>(rng());
    sender.set_key(key, iv, CryptStateOCB2::Nonce{});
    receiver.set_key(key, CryptStateOCB2::Nonce{}, iv);
  }
};

void BM_Encrypt(benchmark::State& state) {
  Link link{static_cast<std::size_t>(state.range(0))};
  Bytes datagram(link.plain.size() + CryptStateOCB2::kHeaderSize);
  for (auto _ : state) {
    auto sent = link.sender.encrypt(link.plain, datagram);
    benchmark::DoNotOptimize(sent);
    benchmark::DoNotOptimize(datagram.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Decrypts a ring of in-order datagrams; rewinding the decrypt IV after each lap keeps every
// packet "in order" (that branch skips the history), so no packet is refused as a replay.
void BM_Decrypt(benchmark::State& state) {
  constexpr std::size_t kRing = 256;
  Link link{static_cast<std::size_t>(state.range(0))};
  const CryptStateOCB2::Nonce start = link.receiver.decrypt_iv();
  std::vector<Bytes> ring(kRing, Bytes(link.plain.size() + CryptStateOCB2::kHeaderSize));
  for (Bytes& datagram : ring) link.sender.encrypt(link.plain, datagram).value();
  Bytes out(link.plain.size());
  std::size_t next = 0;
  for (auto _ : state) {
    auto opened = link.receiver.decrypt(ring[next], out, kNow);
    if (!opened) {
      state.SkipWithError("decrypt failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    if (++next == kRing) {
      next = 0;
      link.receiver.set_decrypt_iv(start);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_EncryptDecrypt(benchmark::State& state) {
  Link link{static_cast<std::size_t>(state.range(0))};
  Bytes datagram(link.plain.size() + CryptStateOCB2::kHeaderSize);
  Bytes out(link.plain.size());
  for (auto _ : state) {
    link.sender.encrypt(link.plain, datagram).value();
    auto opened = link.receiver.decrypt(datagram, out, kNow);
    if (!opened) {
      state.SkipWithError("decrypt failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_Encrypt)->Arg(60)->Arg(200);
BENCHMARK(BM_Decrypt)->Arg(60)->Arg(200);
BENCHMARK(BM_EncryptDecrypt)->Arg(60)->Arg(200);
