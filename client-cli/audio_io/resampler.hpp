// Sample-rate conversion with SpeexDSP's resampler, for sound files that are not 48 kHz.
// Pure function over whole buffers; any thread. Throws std::runtime_error on bad rates.
#pragma once

#include <span>
#include <vector>

namespace plenum::client {

// Converts mono float samples from one rate to another (quality 8 of 10), flushing the
// resampler's delay so the output is aligned with the input and about in.size() * to / from
// samples long.
std::vector<float> resample(std::span<const float> in, int from_rate, int to_rate);

}  // namespace plenum::client
