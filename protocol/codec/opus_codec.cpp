#include "protocol/codec/opus_codec.hpp"

#include <opus.h>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace plenum::protocol::codec {
namespace {

// FEC is only written when the encoder expects loss; 10 % costs little at voice bitrates.
constexpr int kExpectedLossPercent = 10;

int clamp_samples(std::size_t samples, std::span<float> out) {
  return static_cast<int>(std::min({samples, out.size(), kMaxFrameSamples}));
}

}  // namespace

OpusVoiceEncoder::OpusVoiceEncoder(int bitrate_bps) {
  int error = OPUS_OK;
  encoder_ = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK || encoder_ == nullptr) {
    throw std::runtime_error(fmt::format("Opus encoder: {}", opus_strerror(error)));
  }
  opus_encoder_ctl(encoder_, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(encoder_, OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(encoder_, OPUS_SET_PACKET_LOSS_PERC(kExpectedLossPercent));
  opus_encoder_ctl(encoder_, OPUS_SET_VBR(0));
  set_bitrate(bitrate_bps);
}

OpusVoiceEncoder::~OpusVoiceEncoder() { opus_encoder_destroy(encoder_); }

void OpusVoiceEncoder::set_bitrate(int bitrate_bps) {
  bitrate_ = bitrate_bps;
  opus_encoder_ctl(encoder_, OPUS_SET_BITRATE(bitrate_bps));
}

std::size_t OpusVoiceEncoder::encode(std::span<const float> pcm,
                                     protocol::MutableByteView out) noexcept {
  if (pcm.size() != kFrameSamples) {
    return 0;
  }
  const opus_int32 size = opus_encode_float(
      encoder_, pcm.data(), static_cast<int>(pcm.size()), protocol::as_uchars(out),
      static_cast<opus_int32>(std::min<std::size_t>(out.size(), 0x7FFFFFFF)));
  return size > 0 ? static_cast<std::size_t>(size) : 0;
}

OpusVoiceDecoder::OpusVoiceDecoder() {
  int error = OPUS_OK;
  decoder_ = opus_decoder_create(kSampleRate, 1, &error);
  if (error != OPUS_OK || decoder_ == nullptr) {
    throw std::runtime_error(fmt::format("Opus decoder: {}", opus_strerror(error)));
  }
}

OpusVoiceDecoder::~OpusVoiceDecoder() { opus_decoder_destroy(decoder_); }

std::size_t OpusVoiceDecoder::decode(protocol::ByteView packet, std::span<float> out) noexcept {
  if (packet.empty()) {
    return 0;
  }
  const int samples =
      opus_decode_float(decoder_, protocol::as_uchars(packet), static_cast<opus_int32>(packet.size()),
                        out.data(), clamp_samples(out.size(), out), 0);
  return samples > 0 ? static_cast<std::size_t>(samples) : 0;
}

std::size_t OpusVoiceDecoder::decode_fec(protocol::ByteView next_packet, std::size_t samples,
                                         std::span<float> out) noexcept {
  const int decoded = opus_decode_float(decoder_, protocol::as_uchars(next_packet),
                                        static_cast<opus_int32>(next_packet.size()), out.data(),
                                        clamp_samples(samples, out), 1);
  return decoded > 0 ? static_cast<std::size_t>(decoded) : conceal(samples, out);
}

std::size_t OpusVoiceDecoder::conceal(std::size_t samples, std::span<float> out) noexcept {
  const int decoded =
      opus_decode_float(decoder_, nullptr, 0, out.data(), clamp_samples(samples, out), 0);
  return decoded > 0 ? static_cast<std::size_t>(decoded) : 0;
}

std::size_t opus_packet_samples(protocol::ByteView packet) noexcept {
  if (packet.empty()) {
    return 0;
  }
  const int samples = opus_packet_get_nb_samples(
      protocol::as_uchars(packet), static_cast<opus_int32>(packet.size()), kSampleRate);
  return samples > 0 ? static_cast<std::size_t>(samples) : 0;
}

}  // namespace plenum::protocol::codec
