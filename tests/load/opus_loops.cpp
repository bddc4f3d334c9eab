#include "tests/load/opus_loops.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <array>
#include <span>
#include <stdexcept>

namespace plenum::load {
namespace {

constexpr std::size_t kPrimingFrames = 5;
constexpr std::size_t kMaxPacket = 1275;  // Opus' largest single-frame packet

}  // namespace

std::vector<OpusLoop> encode_loops(const std::vector<SignalSpec>& specs, int bitrate_bps) {
  constexpr std::size_t kFrame = protocol::codec::kFrameSamples;
  std::vector<OpusLoop> loops;
  loops.reserve(specs.size());
  std::array<std::byte, kMaxPacket> packet{};
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const std::vector<float> pcm = signal_loop(specs[k], static_cast<std::uint32_t>(k));
    const std::size_t frames = pcm.size() / kFrame;
    protocol::codec::OpusVoiceEncoder encoder(bitrate_bps);
    OpusLoop loop;
    loop.marks_onsets = specs[k].kind == SignalSpec::Kind::Onset;
    loop.frames.reserve(frames);
    for (std::size_t i = frames - kPrimingFrames; i < frames + frames; ++i) {
      const std::span<const float> frame(pcm.data() + (i % frames) * kFrame, kFrame);
      const std::size_t size = encoder.encode(frame, packet);
      if (size == 0) {
        throw std::runtime_error("Opus encoder failed on a speaker's loop");
      }
      if (i >= frames) {
        loop.frames.emplace_back(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(size));
      }
    }
    loops.push_back(std::move(loop));
  }
  return loops;
}

}  // namespace plenum::load
