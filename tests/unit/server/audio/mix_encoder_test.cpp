#include "server/audio/mix_encoder.hpp"
#include "server/audio/engine_frames.hpp"

#include "protocol/codec/opus_codec.hpp"
#include "tests/support/test_audio.hpp"

#include <doctest/doctest.h>

#include <array>
#include <vector>

namespace plenum::server::audio {
namespace {

using protocol::codec::kFrameSamples;

std::vector<std::byte> encode(MixEncoder& encoder, std::span<const float> pcm) {
  std::array<std::byte, kMaxMixPacketBytes> out{};
  const std::size_t size = encoder.encode(pcm, out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)};
}

TEST_SUITE("audio.mix") {
  TEST_CASE("a copied encoder continues the stream exactly where the original is") {
    const auto speech = test::tone(600.0, -20.0, 60 * kFrameSamples);
    MixEncoder shared(16000);
    for (std::size_t f = 0; f < 50; ++f) {
      REQUIRE_FALSE(encode(shared, std::span(speech).subspan(f * kFrameSamples, kFrameSamples)).empty());
    }
    MixEncoder minus(shared);
    MixEncoder fresh(16000);
    for (std::size_t f = 50; f < 60; ++f) {
      const auto frame = std::span(speech).subspan(f * kFrameSamples, kFrameSamples);
      const auto from_shared = encode(shared, frame);
      const auto from_copy = encode(minus, frame);
      const auto from_fresh = encode(fresh, frame);
      REQUIRE(from_copy == from_shared);  // the copy is the whole state
      if (f == 50) {
        CHECK(from_fresh != from_shared);  // a fresh encoder would not continue the stream
      }
    }
  }

  TEST_CASE("packets stay within kMaxMixPacketBytes and near the bitrate") {
    const auto noise = test::white_noise(-6.0, 50 * kFrameSamples, 9);
    MixEncoder encoder(16000);
    std::size_t total = 0;
    for (std::size_t f = 0; f < 50; ++f) {
      const auto packet = encode(encoder, std::span(noise).subspan(f * kFrameSamples, kFrameSamples));
      REQUIRE_FALSE(packet.empty());
      REQUIRE(packet.size() <= kMaxMixPacketBytes);
      total += packet.size();
    }
    // 16 kbit/s is 40 bytes per 20 ms; constrained VBR stays close.
    CHECK(total * 8 / 1 <= 50 * 40 * 8 * 12 / 10);
    std::array<float, 10> short_frame{};
    std::array<std::byte, kMaxMixPacketBytes> out{};
    CHECK(encoder.encode(short_frame, out) == 0);
  }
}

}  // namespace
}  // namespace plenum::server::audio
