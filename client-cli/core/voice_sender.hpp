// VoiceSender: turns 20 ms frames of the user's audio into numbered Opus packets at a bitrate
// the server's bandwidth limit allows (MUMBLE_PROTOCOL.md §8.2). Owned by the audio side, on
// the connection's executor.
#pragma once

#include "protocol/codec/opus_codec.hpp"
#include "client-cli/core/voice_path.hpp"
#include "protocol/bytes.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace plenum::client {

inline constexpr int kDefaultBitrate = 40000;  // Mumble's default quality
inline constexpr int kMinBitrate = 8000;        // Mumble's floor

// Bytes one 20 ms voice packet costs on the wire besides its Opus payload. Over UDP it is
// Mumble's count (§8.2): IP 20 + UDP 8 + OCB2 header 4 + type 1 + sequence 2 + one length byte
// per 10 ms frame = 37. In the tunnel there is no OCB2 header, but TCP's 20-byte header, a TLS
// record (5 header + 16 AEAD tag + 8 explicit nonce in TLS 1.2, 1 type byte in 1.3: 29 at
// most) and Mumble's 6-byte frame header = 80. Mumble itself adds only 12 for TCP, which leaves
// the TLS and frame bytes out; they are on the wire, so they count against the limit here.
int packet_overhead_bytes(VoicePath path) noexcept;

// The highest bitrate <= requested (in 1000 b/s steps, floor 8000) whose 20 ms packets, with
// the path's overhead, fit max_bandwidth_bps. 0 means the server sets no limit.
int fit_bitrate(int requested_bps, std::uint32_t max_bandwidth_bps, VoicePath path);

struct OutgoingVoice {
  std::uint64_t frame_number = 0;  // 10 ms units; +2 per packet
  protocol::ByteView opus;         // valid until the next encode()
  bool terminator = false;
};

class VoiceSender {
 public:
  explicit VoiceSender(int bitrate_bps = kDefaultBitrate);

  // Fits the encoder to ServerSync.max_bandwidth on the path voice takes now. Cheap when
  // nothing changed, so callers ask before every packet; true when the bitrate changed.
  bool fit(std::uint32_t max_bandwidth_bps, VoicePath path);
  int bitrate() const noexcept { return encoder_.bitrate(); }
  int requested_bitrate() const noexcept { return requested_; }

  // One frame of kFrameSamples; `last` marks the final packet of a transmission.
  std::optional<OutgoingVoice> encode(std::span<const float> pcm, bool last);
  std::uint64_t packets() const noexcept { return packets_; }

 private:
  protocol::codec::OpusVoiceEncoder encoder_;
  int requested_;
  std::uint64_t next_frame_ = 0;
  std::uint64_t packets_ = 0;
  std::array<std::byte, 1275> packet_{};  // Opus' largest single frame
};

}  // namespace plenum::client
