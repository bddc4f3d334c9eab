// MixEncoder: the Opus encoder of one mix stream (a channel's shared mix or one listener's N-1
// mix). Owned by that stream in ChannelMix; engine thread. Unlike OpusVoiceEncoder it can be
// copied: a listener who becomes selected moves from the shared mix to its own N-1 mix, and if
// that stream started from a fresh encoder its first frames would not continue what the
// listener's decoder was playing (a click). A copy of the shared encoder continues seamlessly.
//
// Settings: 48 kHz mono, OPUS_APPLICATION_VOIP, voice signal, the channel's bitrate with
// constrained VBR (the rate stays within about a frame of the target), in-band FEC with a loss
// estimate (libopus writes FEC only when it expects loss), complexity 5: measured on this
// machine (libopus 1.3.1, 16 kbit/s voice) an encode costs about 0.48 ms of CPU at libopus'
// default 10 and 0.24 ms at 5, and a channel with k = 32 needs up to 33 encodes per 20 ms tick;
// SILK at 16 kbit/s gains little audible from the slower searches. No DTX: the engine sends no frames
// at all in silence (ChannelMix), which saves more than DTX's 1-byte frames would.
#pragma once

#include "protocol/bytes.hpp"

#include <cstddef>
#include <memory>
#include <span>

struct OpusEncoder;

namespace plenum::server::audio {

class MixEncoder {
 public:
  // Throws std::runtime_error if libopus refuses (bad bitrate is clamped, not refused).
  explicit MixEncoder(int bitrate_bps, int loss_percent = 10, int complexity = 5);
  // A copy of `other`'s complete state (see the .cpp for libopus' guarantee).
  MixEncoder(const MixEncoder& other);
  MixEncoder& operator=(const MixEncoder& other);
  MixEncoder(MixEncoder&&) noexcept = default;
  MixEncoder& operator=(MixEncoder&&) noexcept = default;
  ~MixEncoder();

  void set_bitrate(int bitrate_bps) noexcept;
  int bitrate() const noexcept { return bitrate_; }
  // Forgets the stream (a new talk spurt after silence starts clean).
  void reset() noexcept;
  // One 20 ms frame (kFrameSamples in [-1, 1]) into out; the packet size, 0 on failure.
  std::size_t encode(std::span<const float> pcm, protocol::MutableByteView out) noexcept;

 private:
  ::OpusEncoder* state() const noexcept;

  struct Free {
    void operator()(std::byte* p) const noexcept;
  };
  // The encoder state in memory of our own (opus_encoder_get_size + opus_encoder_init), so it
  // can be copied byte for byte.
  std::unique_ptr<std::byte[], Free> memory_;
  int bitrate_ = 0;
};

}  // namespace plenum::server::audio
