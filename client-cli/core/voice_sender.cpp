#include "client-cli/core/voice_sender.hpp"

#include <algorithm>

namespace plenum::client {
namespace {

constexpr int kFramesPerPacket = 2;  // 10 ms frames in one 20 ms packet
constexpr int kStep = 1000;

int bandwidth_of(int bitrate_bps, bool tunnel) {
  // IP 20 + UDP 8 + crypto 4 + header 1 + sequence 2 (+ TCP 12) + one byte per frame.
  const int overhead_bytes = 20 + 8 + 4 + 1 + 2 + (tunnel ? 12 : 0) + kFramesPerPacket;
  return overhead_bytes * 8 * (100 / kFramesPerPacket) + bitrate_bps;
}

}  // namespace

int fit_bitrate(int requested_bps, std::uint32_t max_bandwidth_bps, bool tunnel) {
  int bitrate = std::max(requested_bps, kMinBitrate);
  if (max_bandwidth_bps == 0) {
    return bitrate;
  }
  while (bitrate > kMinBitrate &&
         static_cast<std::uint32_t>(bandwidth_of(bitrate, tunnel)) > max_bandwidth_bps) {
    bitrate = std::max(bitrate - kStep, kMinBitrate);
  }
  return bitrate;
}

VoiceSender::VoiceSender(int bitrate_bps) : encoder_(bitrate_bps), requested_(bitrate_bps) {}

void VoiceSender::set_max_bandwidth(std::uint32_t max_bandwidth_bps, bool tunnel) {
  encoder_.set_bitrate(fit_bitrate(requested_, max_bandwidth_bps, tunnel));
}

std::optional<OutgoingVoice> VoiceSender::encode(std::span<const float> pcm, bool last) {
  const std::size_t size = encoder_.encode(pcm, packet_);
  if (size == 0) {
    return std::nullopt;
  }
  OutgoingVoice voice;
  voice.frame_number = next_frame_;
  voice.opus = protocol::ByteView(packet_.data(), size);
  voice.terminator = last;
  next_frame_ += kFramesPerPacket;
  ++packets_;
  return voice;
}

}  // namespace plenum::client
