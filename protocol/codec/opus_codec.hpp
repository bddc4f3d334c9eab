// OpusEncoder / OpusDecoder: RAII around libopus for 48 kHz mono, the only format Mumble
// clients send (MUMBLE_PROTOCOL.md §4.3). Each object belongs to one speaker or sender, on the
// audio executor. Construction throws std::runtime_error; per-frame calls never throw.
#pragma once

#include "protocol/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

struct OpusEncoder;
struct OpusDecoder;

namespace plenum::protocol::codec {

inline constexpr int kSampleRate = 48000;
inline constexpr std::size_t kFrameSamples = 960;        // 20 ms
inline constexpr std::size_t kMaxFrameSamples = 5760;    // 120 ms, Opus' longest packet

class OpusVoiceEncoder {
 public:
  // OPUS_APPLICATION_VOIP, voice signal, in-band FEC on (with the loss percentage FEC needs
  // to be emitted at all), constant bitrate so the server's bandwidth limit holds.
  explicit OpusVoiceEncoder(int bitrate_bps);
  ~OpusVoiceEncoder();
  OpusVoiceEncoder(const OpusVoiceEncoder&) = delete;
  OpusVoiceEncoder& operator=(const OpusVoiceEncoder&) = delete;

  void set_bitrate(int bitrate_bps);
  int bitrate() const noexcept { return bitrate_; }
  // One 20 ms frame (kFrameSamples, -1..1) into out; returns the packet size, 0 on failure.
  std::size_t encode(std::span<const float> pcm, protocol::MutableByteView out) noexcept;

 private:
  ::OpusEncoder* encoder_ = nullptr;
  int bitrate_ = 0;
};

class OpusVoiceDecoder {
 public:
  OpusVoiceDecoder();
  ~OpusVoiceDecoder();
  OpusVoiceDecoder(const OpusVoiceDecoder&) = delete;
  OpusVoiceDecoder& operator=(const OpusVoiceDecoder&) = delete;

  // Decodes a packet into out (up to kMaxFrameSamples); returns samples, 0 on a bad packet.
  std::size_t decode(protocol::ByteView packet, std::span<float> out) noexcept;
  // Recovers `samples` (a multiple of 2.5 ms) of a lost packet from the FEC data of the packet
  // after it; libopus falls back to PLC when that packet carries none.
  std::size_t decode_fec(protocol::ByteView next_packet, std::size_t samples,
                         std::span<float> out) noexcept;
  // Packet loss concealment for `samples`.
  std::size_t conceal(std::size_t samples, std::span<float> out) noexcept;

 private:
  ::OpusDecoder* decoder_ = nullptr;
};

// Samples in an Opus packet at 48 kHz, 0 if it is not a valid packet.
std::size_t opus_packet_samples(protocol::ByteView packet) noexcept;

}  // namespace plenum::protocol::codec
