#include "server/audio/mix_encoder.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <opus.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace plenum::server::audio {
namespace {

// The size libopus needs for a mono encoder; the same for every instance of this build.
std::size_t encoder_size() {
  const int size = opus_encoder_get_size(1);
  if (size <= 0) {
    throw std::runtime_error("Opus encoder: no size for a mono encoder");
  }
  return static_cast<std::size_t>(size);
}

std::byte* allocate() {
  // malloc: aligned for any type, as opus_encoder_create's own allocation is.
  auto* p = static_cast<std::byte*>(std::malloc(encoder_size()));
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}

}  // namespace

void MixEncoder::Free::operator()(std::byte* p) const noexcept { std::free(p); }

MixEncoder::MixEncoder(int bitrate_bps, int loss_percent, int complexity) : memory_(allocate()) {
  const int error = opus_encoder_init(state(), protocol::codec::kSampleRate, 1,
                                      OPUS_APPLICATION_VOIP);
  if (error != OPUS_OK) {
    throw std::runtime_error(fmt::format("Opus encoder: {}", opus_strerror(error)));
  }
  opus_encoder_ctl(state(), OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(state(), OPUS_SET_VBR(1));
  opus_encoder_ctl(state(), OPUS_SET_VBR_CONSTRAINT(1));
  opus_encoder_ctl(state(), OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(state(), OPUS_SET_PACKET_LOSS_PERC(std::clamp(loss_percent, 0, 100)));
  opus_encoder_ctl(state(), OPUS_SET_DTX(0));
  opus_encoder_ctl(state(), OPUS_SET_COMPLEXITY(std::clamp(complexity, 0, 10)));
  set_bitrate(bitrate_bps);
}

// libopus guarantees that a byte copy is a complete copy. include/opus.h (xiph/opus, 1.3.1 as
// Debian 12 ships it), in the encoder section's introduction: "The encoder state is always
// continuous in memory and only a shallow copy is sufficient to copy it (e.g. memcpy())". The
// OpusEncoder refers to its SILK and CELT sub-states by offsets from its own start
// (silk_enc_offset, celt_enc_offset in src/opus_encoder.c), not by pointers, which is why.
MixEncoder::MixEncoder(const MixEncoder& other) : memory_(allocate()), bitrate_(other.bitrate_) {
  std::memcpy(memory_.get(), other.memory_.get(), encoder_size());
}

MixEncoder& MixEncoder::operator=(const MixEncoder& other) {
  if (this != &other) {
    if (!memory_) {
      memory_.reset(allocate());
    }
    std::memcpy(memory_.get(), other.memory_.get(), encoder_size());
    bitrate_ = other.bitrate_;
  }
  return *this;
}

MixEncoder::~MixEncoder() = default;

::OpusEncoder* MixEncoder::state() const noexcept {
  return reinterpret_cast<::OpusEncoder*>(memory_.get());
}

void MixEncoder::set_bitrate(int bitrate_bps) noexcept {
  // Opus' own range; the config validates 6000..510000 already.
  bitrate_ = std::clamp(bitrate_bps, 6000, 510000);
  opus_encoder_ctl(state(), OPUS_SET_BITRATE(bitrate_));
}

void MixEncoder::reset() noexcept { opus_encoder_ctl(state(), OPUS_RESET_STATE); }

std::size_t MixEncoder::encode(std::span<const float> pcm, protocol::MutableByteView out) noexcept {
  if (pcm.size() != protocol::codec::kFrameSamples || out.empty()) {
    return 0;
  }
  const opus_int32 size = opus_encode_float(
      state(), pcm.data(), static_cast<int>(pcm.size()), protocol::as_uchars(out),
      static_cast<opus_int32>(std::min<std::size_t>(out.size(), 0x7FFFFFFF)));
  return size > 0 ? static_cast<std::size_t>(size) : 0;
}

}  // namespace plenum::server::audio
