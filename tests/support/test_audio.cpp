#include "tests/support/test_audio.hpp"

#include <opus.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

namespace plenum::test {
namespace {

double amplitude_of(double dbfs) { return std::pow(10.0, dbfs / 20.0); }

// Scales pcm to an RMS of `dbfs`.
void set_rms(std::vector<float>& pcm, double dbfs) {
  double energy = 0.0;
  for (const float s : pcm) {
    energy += static_cast<double>(s) * static_cast<double>(s);
  }
  if (pcm.empty() || energy <= 0.0) {
    return;
  }
  const double gain = amplitude_of(dbfs) / std::sqrt(energy / static_cast<double>(pcm.size()));
  for (float& s : pcm) {
    s = static_cast<float>(static_cast<double>(s) * gain);
  }
}

struct Encoder {
  OpusEncoder* encoder = nullptr;

  // fixed_bandwidth: wideband SILK throughout, so consecutive packets share one TOC
  // configuration, which the repacketizer requires (the encoder otherwise picks the bandwidth
  // and mode per packet and changes them as it starts up).
  Encoder(int bitrate_bps, bool fixed_bandwidth) {
    int error = OPUS_OK;
    encoder = opus_encoder_create(kTestRate, 1, OPUS_APPLICATION_VOIP, &error);
    if (error != OPUS_OK || encoder == nullptr) {
      throw std::runtime_error("opus_encoder_create failed");
    }
    opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(10));
    opus_encoder_ctl(encoder, OPUS_SET_VBR(0));
    opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitrate_bps));
    if (fixed_bandwidth) {
      opus_encoder_ctl(encoder, OPUS_SET_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND));
    }
  }
  ~Encoder() { opus_encoder_destroy(encoder); }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  protocol::Bytes encode(std::span<const float> pcm) {
    protocol::Bytes out(1500);
    const opus_int32 size =
        opus_encode_float(encoder, pcm.data(), static_cast<int>(pcm.size()),
                          protocol::as_uchars(protocol::MutableByteView(out)),
                          static_cast<opus_int32>(out.size()));
    if (size <= 0) {
      throw std::runtime_error("opus_encode_float failed");
    }
    out.resize(static_cast<std::size_t>(size));
    return out;
  }
};

std::vector<protocol::Bytes> encode_packets(std::span<const float> pcm, unsigned packet_ms,
                                            int bitrate_bps, bool fixed_bandwidth);

}  // namespace

std::vector<float> tone(double hz, double dbfs, std::size_t samples, double phase) {
  std::vector<float> pcm(samples);
  const double peak = amplitude_of(dbfs) * std::numbers::sqrt2;
  const double step = 2.0 * std::numbers::pi * hz / kTestRate;
  for (std::size_t i = 0; i < samples; ++i) {
    pcm[i] = static_cast<float>(peak * std::sin(phase + step * static_cast<double>(i)));
  }
  return pcm;
}

std::vector<float> white_noise(double dbfs, std::size_t samples, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  std::vector<float> pcm(samples);
  std::generate(pcm.begin(), pcm.end(), [&] { return uniform(random); });
  set_rms(pcm, dbfs);
  return pcm;
}

std::vector<float> pink_noise(double dbfs, std::size_t samples, std::uint32_t seed) {
  // Paul Kellet's economy filter: white noise through three one-pole sections, pink within
  // ±0.5 dB over the audio band.
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<float> pcm(samples);
  double b0 = 0.0;
  double b1 = 0.0;
  double b2 = 0.0;
  for (float& s : pcm) {
    const double white = uniform(random);
    b0 = 0.99765 * b0 + white * 0.0990460;
    b1 = 0.96300 * b1 + white * 0.2965164;
    b2 = 0.57000 * b2 + white * 1.0526913;
    s = static_cast<float>(b0 + b1 + b2 + white * 0.1848);
  }
  set_rms(pcm, dbfs);
  return pcm;
}

std::vector<float> tone_bursts(double hz, double dbfs, std::size_t samples, unsigned on_ms,
                               unsigned off_ms) {
  std::vector<float> pcm = tone(hz, dbfs, samples);
  const std::size_t on = static_cast<std::size_t>(on_ms) * kTestRate / 1000;
  const std::size_t period = on + static_cast<std::size_t>(off_ms) * kTestRate / 1000;
  const std::size_t edge = std::min<std::size_t>(kTestRate / 100, on / 2);
  for (std::size_t i = 0; i < samples; ++i) {
    const std::size_t t = i % period;
    double gain = t < on ? 1.0 : 0.0;
    if (edge > 0 && t < edge) {
      gain = 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(t) / static_cast<double>(edge));
    } else if (edge > 0 && t < on && on - t < edge) {
      gain = 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(on - t) /
                                  static_cast<double>(edge));
    }
    pcm[i] = static_cast<float>(static_cast<double>(pcm[i]) * gain);
  }
  return pcm;
}

void add_into(std::vector<float>& a, std::span<const float> b) {
  if (a.size() < b.size()) {
    a.resize(b.size(), 0.0F);
  }
  for (std::size_t i = 0; i < b.size(); ++i) {
    a[i] += b[i];
  }
}

double tone_power(std::span<const float> pcm, double hz) {
  if (pcm.size() < 2) {
    return -120.0;
  }
  const double n = static_cast<double>(pcm.size());
  const double omega = 2.0 * std::numbers::pi * hz / kTestRate;
  const double coefficient = 2.0 * std::cos(omega);
  double s1 = 0.0;
  double s2 = 0.0;
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const double window = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / (n - 1.0));
    const double s0 = static_cast<double>(pcm[i]) * window + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;  // |X(hz)|^2
  // A sine of peak A gives |X| = A·N·g/2 with the Hann window's coherent gain g = 0.5.
  const double peak = 2.0 * std::sqrt(std::max(power, 0.0)) / (n * 0.5);
  const double rms = peak / std::numbers::sqrt2;
  return 20.0 * std::log10(std::max(rms, 1e-6));
}

namespace {

std::vector<protocol::Bytes> encode_packets(std::span<const float> pcm, unsigned packet_ms,
                                            int bitrate_bps, bool fixed_bandwidth) {
  if (packet_ms != 10 && packet_ms != 20 && packet_ms != 40 && packet_ms != 60) {
    return {};
  }
  const std::size_t samples = static_cast<std::size_t>(packet_ms) * kTestRate / 1000;
  Encoder encoder(bitrate_bps, fixed_bandwidth);
  std::vector<protocol::Bytes> packets;
  for (std::size_t at = 0; at + samples <= pcm.size(); at += samples) {
    packets.push_back(encoder.encode(pcm.subspan(at, samples)));
  }
  return packets;
}

}  // namespace

std::vector<protocol::Bytes> encode_opus(std::span<const float> pcm, unsigned packet_ms,
                                         int bitrate_bps) {
  return encode_packets(pcm, packet_ms, bitrate_bps, false);
}

std::vector<protocol::Bytes> encode_opus_multiframe(std::span<const float> pcm,
                                                    unsigned frames_per_packet, int bitrate_bps) {
  const std::vector<protocol::Bytes> frames = encode_packets(pcm, 20, bitrate_bps, true);
  OpusRepacketizer* repacketizer = opus_repacketizer_create();
  if (repacketizer == nullptr || frames_per_packet == 0) {
    opus_repacketizer_destroy(repacketizer);
    return {};
  }
  std::vector<protocol::Bytes> packets;
  for (std::size_t at = 0; at + frames_per_packet <= frames.size(); at += frames_per_packet) {
    opus_repacketizer_init(repacketizer);
    for (std::size_t i = at; i < at + frames_per_packet; ++i) {
      // The repacketizer keeps pointers into the frames until out(): they live in `frames`.
      if (opus_repacketizer_cat(repacketizer, protocol::as_uchars(protocol::ByteView(frames[i])),
                                static_cast<opus_int32>(frames[i].size())) != OPUS_OK) {
        opus_repacketizer_destroy(repacketizer);
        throw std::runtime_error("opus_repacketizer_cat failed");
      }
    }
    protocol::Bytes out(1500 * static_cast<std::size_t>(frames_per_packet));
    const opus_int32 size = opus_repacketizer_out(
        repacketizer, protocol::as_uchars(protocol::MutableByteView(out)),
        static_cast<opus_int32>(out.size()));
    if (size <= 0) {
      opus_repacketizer_destroy(repacketizer);
      throw std::runtime_error("opus_repacketizer_out failed");
    }
    out.resize(static_cast<std::size_t>(size));
    packets.push_back(std::move(out));
  }
  opus_repacketizer_destroy(repacketizer);
  return packets;
}

int opus_frame_code(protocol::ByteView packet) {
  return packet.empty() ? -1 : static_cast<int>(std::to_integer<unsigned>(packet[0]) & 0x3U);
}

}  // namespace plenum::test
