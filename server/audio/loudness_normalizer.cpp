#include "server/audio/loudness_normalizer.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <new>

namespace plenum::server::audio {

// The libebur128 state, hidden here so its header stays out of the engine's.
struct LoudnessNormalizer::Meter {
  ebur128_state* state = nullptr;
  Meter() {
    // Momentary mode only: K-weighting and a 400 ms window, no history to grow.
    state = ebur128_init(1, static_cast<unsigned long>(protocol::codec::kSampleRate),
                         EBUR128_MODE_M);
    if (state == nullptr) {
      throw std::bad_alloc();
    }
  }
  ~Meter() { ebur128_destroy(&state); }
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;
};

namespace {

float db_to_gain(float db) { return std::pow(10.0F, db / 20.0F); }

}  // namespace

LoudnessNormalizer::LoudnessNormalizer(const LoudnessTuning& tuning)
    : tuning_(tuning), meter_(std::make_unique<Meter>()) {}
LoudnessNormalizer::~LoudnessNormalizer() = default;
LoudnessNormalizer::LoudnessNormalizer(LoudnessNormalizer&&) noexcept = default;
LoudnessNormalizer& LoudnessNormalizer::operator=(LoudnessNormalizer&&) noexcept = default;

bool LoudnessNormalizer::is_speech(const LoudnessInput& input) noexcept {
  const bool clear = input.gate_open &&
                     input.level_dbfs >= input.noise_floor_dbfs + tuning_.speech_margin_db;
  since_speech_ = clear ? 0 : since_speech_ + 1;
  if (clear) {
    learn(input.pcm);
  }
  return input.gate_open && since_speech_ <= tuning_.speech_hold_frames;
}

void LoudnessNormalizer::learn(std::span<const float> pcm) noexcept {
  if (ebur128_add_frames_float(meter_->state, pcm.data(), pcm.size()) != EBUR128_SUCCESS) {
    return;
  }
  if (++speech_frames_ < tuning_.warmup_frames) {
    return;
  }
  double loudness = 0.0;
  if (ebur128_loudness_momentary(meter_->state, &loudness) != EBUR128_SUCCESS ||
      !std::isfinite(loudness)) {
    return;  // -inf: digital silence inside the gate; nothing to learn
  }
  const float wanted = std::clamp(tuning_.target_lufs - static_cast<float>(loudness),
                                  tuning_.min_gain_db, tuning_.max_gain_db);
  const float step = wanted > speech_gain_db_ ? tuning_.gain_up_db_per_frame
                                              : tuning_.gain_down_db_per_frame;
  speech_gain_db_ += std::clamp(wanted - speech_gain_db_, -step, step);
}

void LoudnessNormalizer::process(const LoudnessInput& input, std::span<float> out) noexcept {
  const std::size_t n = std::min(input.pcm.size(), out.size());
  const bool speech = is_speech(input);
  const float gain_db = speech ? speech_gain_db_ : std::min(speech_gain_db_, 0.0F);
  // A linear ramp in amplitude from the last frame's gain to this one's.
  const float from = db_to_gain(applied_gain_db_);
  const float to = db_to_gain(gain_db);
  const float step = n > 0 ? (to - from) / static_cast<float>(n) : 0.0F;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = input.pcm[i] * (from + step * static_cast<float>(i + 1));
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), 0.0F);
  applied_gain_db_ = gain_db;
}

}  // namespace plenum::server::audio
