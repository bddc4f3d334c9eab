// SpeakerSignals: what each simulated speaker says (a tone at its own frequency and level, low
// noise, or the designated onset speaker's marked bursts) and its PCM loop, from which
// OpusLoops encodes the frames once at start. Plain values and pure functions, any thread.
//
// Levels are a tone's peak amplitude in dBFS (a full-scale sine is 0 dBFS); noise levels are
// RMS dBFS. Tones have integer frequencies, so a 1 s loop joins without a click.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plenum::load {

struct SignalSpec {
  enum class Kind { Tone, Noise, Onset };
  Kind kind = Kind::Tone;
  double frequency_hz = 0;  // Tone: its tone; Onset: the carrier (0 when it falls silent)
  double level_dbfs = -20;
};

// How the signals of a run are laid out (plenum-load's --tone-levels, --noise-speakers, ...).
struct SignalLayout {
  std::uint32_t speakers = 0;
  std::uint32_t noise_speakers = 0;  // the last ones; noise only
  double loudest_dbfs = -10;         // speaker 0 (the onset speaker, when there is one)
  double quietest_dbfs = -40;        // the last tone speaker
  double noise_dbfs = -50;
  bool onset = true;                 // speaker 0 marks onsets
  bool onset_silent = false;         // between bursts it sends silence instead of its carrier
};

// The onset speaker's bursts: kOnsetLoopFrames 20 ms frames, of which the last kBurstFrames
// carry kOnsetHz. The first burst frame is the marked onset.
inline constexpr double kOnsetHz = 1000;
inline constexpr double kOnsetCarrierHz = 500;
inline constexpr std::size_t kOnsetLoopFrames = 100;  // 2 s
inline constexpr std::size_t kBurstFrames = 40;       // 0.8 s, so 1.2 s without it
inline constexpr std::size_t kOnsetFrame = kOnsetLoopFrames - kBurstFrames;
inline constexpr std::size_t kToneLoopFrames = 50;    // 1 s

// One spec per speaker. Tone speakers after the onset speaker get levels spread evenly from
// loudest - 6 dB to quietest (the onset speaker stays the loudest, so a top-k engine keeps it
// selected), and frequencies spread over 300..3600 Hz, each at least 150 Hz from kOnsetHz and
// 75 Hz from kOnsetCarrierHz.
std::vector<SignalSpec> layout_signals(const SignalLayout& layout);

// The tone frequencies of `specs` in speaker order (0 for noise speakers, kOnsetHz for the
// onset speaker, whose bursts are what a listener can detect).
std::vector<double> detectable_frequencies(const std::vector<SignalSpec>& specs);

// The PCM loop of one speaker at 48 kHz mono, in -1..1 (kToneLoopFrames or kOnsetLoopFrames
// frames). `seed` varies the noise between speakers.
std::vector<float> signal_loop(const SignalSpec& spec, std::uint32_t seed);

}  // namespace plenum::load
