// Voice path per datagram: decode a legacy and a protobuf plaintext, and translate a 1.3
// speaker's packet for a 1.5 listener (and back). libprotobuf's parse of the same bytes is
// measured alongside as the reference our allocation-free reader replaces.
// No main(): link benchmark::benchmark_main.
#include "protocol/voice_packet.hpp"

#include "MumbleUDP.pb.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

using namespace plenum::protocol;

namespace {

// 20 ms of Opus at ~24 kbit/s, as a Mumble client sends it: 60 bytes.
const Bytes& opus_frame() {
  static const Bytes frame = [] {
    Bytes bytes(60);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(i * 37);
    return bytes;
  }();
  return frame;
}

VoicePacket typical_packet() {
  return {.target_or_context = 0, .sender_session = 0, .frame_number = 123456,
          .opus = opus_frame(), .terminator = false, .position = std::nullopt,
          .volume_adjustment = 1.0F};
}

Bytes encoded(UdpFormat format, Direction direction) {
  std::array<std::byte, kMaxUdpPlaintextSize> out{};
  VoicePacket packet = typical_packet();
  if (direction == Direction::ToClient) packet.sender_session = 42;
  const auto size = encode_voice(packet, format, direction, out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size.value())};
}

void decode(benchmark::State& state, UdpFormat format) {
  const Bytes datagram = encoded(format, Direction::ToServer);
  for (auto _ : state) {
    auto message = decode_udp_plaintext(datagram, format, Direction::ToServer);
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeLegacy(benchmark::State& state) { decode(state, UdpFormat::Legacy); }
void BM_DecodeProtobuf(benchmark::State& state) { decode(state, UdpFormat::Protobuf); }

// The generated class, reused across iterations (its best case: no reallocation).
void BM_DecodeProtobufLibprotobuf(benchmark::State& state) {
  const Bytes datagram = encoded(UdpFormat::Protobuf, Direction::ToServer);
  MumbleUDP::Audio audio;
  for (auto _ : state) {
    const bool ok = audio.ParseFromArray(datagram.data() + 1, static_cast<int>(datagram.size() - 1));
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(audio);
  }
  state.SetItemsProcessed(state.iterations());
}

// What the server does per (speaker packet, listener format): decode, address, encode.
void translate(benchmark::State& state, UdpFormat from, UdpFormat to) {
  const Bytes datagram = encoded(from, Direction::ToServer);
  std::array<std::byte, kMaxUdpPlaintextSize> out{};
  for (auto _ : state) {
    auto message = decode_udp_plaintext(datagram, from, Direction::ToServer);
    auto& packet = std::get<VoicePacket>(message.value());
    packet.sender_session = 42;
    packet.target_or_context = static_cast<std::uint8_t>(AudioContext::Normal);
    auto size = encode_voice(packet, to, Direction::ToClient, out);
    benchmark::DoNotOptimize(size);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_TranslateLegacyToProtobuf(benchmark::State& state) {
  translate(state, UdpFormat::Legacy, UdpFormat::Protobuf);
}
void BM_TranslateProtobufToLegacy(benchmark::State& state) {
  translate(state, UdpFormat::Protobuf, UdpFormat::Legacy);
}
void BM_ForwardLegacyToLegacy(benchmark::State& state) {
  translate(state, UdpFormat::Legacy, UdpFormat::Legacy);
}

}  // namespace

BENCHMARK(BM_DecodeLegacy);
BENCHMARK(BM_DecodeProtobuf);
BENCHMARK(BM_DecodeProtobufLibprotobuf);
BENCHMARK(BM_TranslateLegacyToProtobuf);
BENCHMARK(BM_TranslateProtobufToLegacy);
BENCHMARK(BM_ForwardLegacyToLegacy);
