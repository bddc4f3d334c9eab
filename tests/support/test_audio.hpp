// Synthetic test audio for the audio engine's tests, the integration tests and the load
// generator: tones and noise at a set level, Opus packets of 10-60 ms (and multi-frame packets)
// made from them, and a tone detector. Pure functions and one-shot encoders; any thread.
//
// Levels are RMS dBFS with 0 dBFS = a full-scale square wave, as server/audio/level_meter
// measures them: tone(hz, -20.0, n) reads -20 dBFS there, and tone_power() reads -20 back.
#pragma once

#include "protocol/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace plenum::test {

inline constexpr int kTestRate = 48000;

// A sine at `hz` whose RMS level is `dbfs` (its peak is 3.01 dB higher).
std::vector<float> tone(double hz, double dbfs, std::size_t samples, double phase = 0.0);
// Uniform white noise at an RMS level; deterministic per seed.
std::vector<float> white_noise(double dbfs, std::size_t samples, std::uint32_t seed = 1);
// Pink (1/f) noise at an RMS level, like a fan or a street: most energy low; per seed.
std::vector<float> pink_noise(double dbfs, std::size_t samples, std::uint32_t seed = 1);
// A tone switched on for on_ms and off for off_ms, repeatedly (10 ms raised-cosine edges):
// syllables with pauses, which a noise floor tracker does not mistake for a steady noise.
std::vector<float> tone_bursts(double hz, double dbfs, std::size_t samples, unsigned on_ms = 300,
                               unsigned off_ms = 200);
// Sums b into a (a grows to b's size when shorter).
void add_into(std::vector<float>& a, std::span<const float> b);

// The level (RMS dBFS, as tone() takes it) of the component of pcm at `hz`: a Goertzel filter
// over a Hann window, so a tone between analysis bins still reads within about 1.5 dB.
double tone_power(std::span<const float> pcm, double hz);

// pcm cut into packets of packet_ms (10, 20, 40 or 60) and Opus-encoded one packet per
// opus_encode call, as Mumble's AudioInput does (48 kHz mono, VOIP, voice signal, in-band FEC with
// 10 % expected loss, CBR: the settings of protocol/codec's OpusVoiceEncoder). A trailing part
// shorter than a packet is dropped. Empty on an invalid packet_ms.
std::vector<protocol::Bytes> encode_opus(std::span<const float> pcm, unsigned packet_ms,
                                         int bitrate_bps = 32000);
// Packets of frames_per_packet 20 ms frames each (wideband SILK), joined by libopus'
// repacketizer into one multi-frame packet (code 1 for two equal frames, code 3 for three or more).
std::vector<protocol::Bytes> encode_opus_multiframe(std::span<const float> pcm,
                                                    unsigned frames_per_packet,
                                                    int bitrate_bps = 32000);
// The TOC's frame-count code of an Opus packet (0: one frame, 1/2: two, 3: arbitrary); -1 if empty.
int opus_frame_code(protocol::ByteView packet);

}  // namespace plenum::test
