// Control-channel read path: FrameReader reassembly and ControlMessage decode/encode.
// No main(): link benchmark::benchmark_main.
#include "protocol/control_frame.hpp"
#include "protocol/control_message.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <string>

using namespace plenum::protocol;

namespace {

// A user as the server announces it at login: about 100 bytes of protobuf.
MumbleProto::UserState typical_user_state() {
  MumbleProto::UserState user;
  user.set_session(4711);
  user.set_name("delegate-0815");
  user.set_user_id(815);
  user.set_channel_id(12);
  user.set_self_mute(true);
  user.set_hash("3f786850e387550fdab836ed7e6dc881de23001b");
  user.set_comment("Delegation of the northern district");
  user.add_listening_channel_add(3);
  return user;
}

// A session's steady-state traffic: pings, state deltas and tunnelled voice (60-byte packets).
Bytes mixed_stream(std::size_t frames) {
  MumbleProto::Ping ping;
  ping.set_timestamp(123456789);
  ping.set_good(1000);
  MumbleProto::UserState delta;
  delta.set_session(4711);
  delta.set_self_mute(false);
  const Bytes voice(60, std::byte{0x42});
  Bytes stream;
  for (std::size_t i = 0; i < frames; ++i) {
    switch (i % 4) {
      case 0: append_frame(stream, ping); break;
      case 1: append_frame(stream, delta); break;
      default: append_frame(stream, TunnelPacket{voice}); break;
    }
  }
  return stream;
}

// Feeds the stream as socket reads of `read_size` bytes through prepare/commit and drains it.
std::size_t read_all(FrameReader& reader, const Bytes& stream, std::size_t read_size) {
  std::size_t frames = 0;
  for (std::size_t pos = 0; pos < stream.size();) {
    const std::size_t n = std::min(read_size, stream.size() - pos);
    const MutableByteView space = reader.prepare(read_size);
    std::copy_n(stream.data() + pos, n, space.data());
    reader.commit(n);
    pos += n;
    for (auto next = reader.next(); next && next->has_value(); next = reader.next()) {
      benchmark::DoNotOptimize((*next)->payload.data());
      ++frames;
    }
  }
  return frames;
}

void BM_FrameReaderMixedStream(benchmark::State& state) {
  const Bytes stream = mixed_stream(4096);
  const auto read_size = static_cast<std::size_t>(state.range(0));
  FrameReader reader;
  std::size_t frames = 0;
  for (auto _ : state) frames += read_all(reader, stream, read_size);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
}
BENCHMARK(BM_FrameReaderMixedStream)->Arg(1)->Arg(64)->Arg(1500)->Arg(16 * 1024);

void BM_FrameReaderLargeFrames(benchmark::State& state) {
  Bytes stream;
  const Bytes payload(1024 * 1024, std::byte{7});
  for (int i = 0; i < 4; ++i) append_frame(stream, 9, payload);
  FrameReader reader;
  for (auto _ : state) benchmark::DoNotOptimize(read_all(reader, stream, 64 * 1024));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_FrameReaderLargeFrames);

void BM_DecodeUserState(benchmark::State& state) {
  const Bytes frame = encode_frame(typical_user_state());
  const ByteView payload = ByteView{frame}.subspan(kFrameHeaderSize);
  for (auto _ : state) {
    auto msg = decode_control_message(static_cast<std::uint16_t>(MessageType::UserState), payload);
    benchmark::DoNotOptimize(msg);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()));
}
BENCHMARK(BM_DecodeUserState);

void BM_EncodeUserStateFrame(benchmark::State& state) {
  const MumbleProto::UserState user = typical_user_state();
  Bytes out;
  for (auto _ : state) {
    out.clear();
    append_frame(out, user);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeUserStateFrame);

void BM_DecodeTunnel(benchmark::State& state) {
  const Bytes voice(60, std::byte{0x42});
  for (auto _ : state) {
    auto msg = decode_control_message(static_cast<std::uint16_t>(MessageType::UDPTunnel), voice);
    benchmark::DoNotOptimize(msg);
  }
}
BENCHMARK(BM_DecodeTunnel);

}  // namespace
