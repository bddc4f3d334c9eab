#include "client-cli/audio_io/resampler.hpp"

#include <speex/speex_resampler.h>

#include <fmt/format.h>

#include <memory>
#include <stdexcept>

namespace plenum::client {
namespace {

constexpr int kQuality = 8;

struct ResamplerDeleter {
  void operator()(SpeexResamplerState* state) const noexcept { speex_resampler_destroy(state); }
};

}  // namespace

std::vector<float> resample(std::span<const float> in, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) {
    throw std::runtime_error(fmt::format("cannot resample from {} Hz to {} Hz", from_rate, to_rate));
  }
  if (from_rate == to_rate) {
    return {in.begin(), in.end()};
  }
  int error = RESAMPLER_ERR_SUCCESS;
  const std::unique_ptr<SpeexResamplerState, ResamplerDeleter> state(speex_resampler_init(
      1, static_cast<spx_uint32_t>(from_rate), static_cast<spx_uint32_t>(to_rate), kQuality,
      &error));
  if (!state || error != RESAMPLER_ERR_SUCCESS) {
    throw std::runtime_error(fmt::format("resampler: {}", speex_resampler_strerror(error)));
  }
  // The resampler delays its output by its input latency: feed that many zeros at the end and
  // drop as many output samples at the start.
  const auto latency = static_cast<std::size_t>(speex_resampler_get_input_latency(state.get()));
  std::vector<float> input(in.begin(), in.end());
  input.resize(input.size() + latency, 0.0F);
  const double ratio = static_cast<double>(to_rate) / static_cast<double>(from_rate);
  std::vector<float> output(static_cast<std::size_t>(static_cast<double>(input.size()) * ratio) + 64);

  std::size_t consumed = 0;
  std::size_t produced = 0;
  while (consumed < input.size() && produced < output.size()) {
    auto in_len = static_cast<spx_uint32_t>(input.size() - consumed);
    auto out_len = static_cast<spx_uint32_t>(output.size() - produced);
    speex_resampler_process_float(state.get(), 0, input.data() + consumed, &in_len,
                                  output.data() + produced, &out_len);
    if (in_len == 0 && out_len == 0) {
      break;
    }
    consumed += in_len;
    produced += out_len;
  }
  const auto skip = static_cast<std::size_t>(static_cast<double>(latency) * ratio);
  const auto wanted = static_cast<std::size_t>(static_cast<double>(in.size()) * ratio);
  if (produced <= skip) {
    return {};
  }
  const std::size_t end = std::min(produced, skip + wanted);
  return {output.begin() + static_cast<std::ptrdiff_t>(skip),
          output.begin() + static_cast<std::ptrdiff_t>(end)};
}

}  // namespace plenum::client
