// VoiceSender: turns 20 ms frames of the user's audio into numbered Opus packets at a bitrate
// the server's bandwidth limit allows (MUMBLE_PROTOCOL.md §8.2). Owned by the audio side, on
// the connection's executor.
#pragma once

#include "client-cli/core/opus_codec.hpp"
#include "protocol/bytes.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace plenum::client {

inline constexpr int kDefaultBitrate = 40000;  // Mumble's default quality
inline constexpr int kMinBitrate = 8000;        // Mumble's floor

// The highest bitrate <= requested (in 1000 b/s steps, floor 8000) whose packets of 20 ms,
// with IP/UDP/crypto/header overhead (+12 bytes in the tunnel), fit max_bandwidth_bps.
// 0 means the server sets no limit.
int fit_bitrate(int requested_bps, std::uint32_t max_bandwidth_bps, bool tunnel);

struct OutgoingVoice {
  std::uint64_t frame_number = 0;  // 10 ms units; +2 per packet
  protocol::ByteView opus;         // valid until the next encode()
  bool terminator = false;
};

class VoiceSender {
 public:
  explicit VoiceSender(int bitrate_bps = kDefaultBitrate);

  // Applies ServerSync.max_bandwidth to the requested bitrate.
  void set_max_bandwidth(std::uint32_t max_bandwidth_bps, bool tunnel);
  int bitrate() const noexcept { return encoder_.bitrate(); }
  int requested_bitrate() const noexcept { return requested_; }

  // One frame of kFrameSamples; `last` marks the final packet of a transmission.
  std::optional<OutgoingVoice> encode(std::span<const float> pcm, bool last);
  std::uint64_t packets() const noexcept { return packets_; }

 private:
  OpusVoiceEncoder encoder_;
  int requested_;
  std::uint64_t next_frame_ = 0;
  std::uint64_t packets_ = 0;
  std::array<std::byte, 1275> packet_{};  // Opus' largest single frame
};

}  // namespace plenum::client
