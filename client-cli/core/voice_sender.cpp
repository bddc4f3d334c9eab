#include "client-cli/core/voice_sender.hpp"

#include <algorithm>

namespace plenum::client {
namespace {

constexpr int kFramesPerPacket = 2;  // 10 ms frames in one 20 ms packet
constexpr int kStep = 1000;
constexpr int kIpHeader = 20;
constexpr int kUdpHeader = 8;
constexpr int kCryptHeader = 4;
constexpr int kTcpHeader = 20;
constexpr int kTlsRecord = 29;
constexpr int kFrameHeader = 6;
constexpr int kVoiceHeader = 1 + 2 + kFramesPerPacket;  // type, sequence, frame lengths

int bandwidth_of(int bitrate_bps, VoicePath path) {
  return packet_overhead_bytes(path) * 8 * (100 / kFramesPerPacket) + bitrate_bps;
}

}  // namespace

int packet_overhead_bytes(VoicePath path) noexcept {
  const int transport = path == VoicePath::Udp ? kUdpHeader + kCryptHeader
                                               : kTcpHeader + kTlsRecord + kFrameHeader;
  return kIpHeader + transport + kVoiceHeader;
}

int fit_bitrate(int requested_bps, std::uint32_t max_bandwidth_bps, VoicePath path) {
  int bitrate = std::max(requested_bps, kMinBitrate);
  if (max_bandwidth_bps == 0) {
    return bitrate;
  }
  while (bitrate > kMinBitrate &&
         static_cast<std::uint32_t>(bandwidth_of(bitrate, path)) > max_bandwidth_bps) {
    bitrate = std::max(bitrate - kStep, kMinBitrate);
  }
  return bitrate;
}

VoiceSender::VoiceSender(int bitrate_bps) : encoder_(bitrate_bps), requested_(bitrate_bps) {}

bool VoiceSender::fit(std::uint32_t max_bandwidth_bps, VoicePath path) {
  const int bitrate = fit_bitrate(requested_, max_bandwidth_bps, path);
  if (bitrate == encoder_.bitrate()) {
    return false;
  }
  encoder_.set_bitrate(bitrate);
  return true;
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
