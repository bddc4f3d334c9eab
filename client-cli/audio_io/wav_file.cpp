#include "client-cli/audio_io/wav_file.hpp"

#include "client-cli/audio_io/resampler.hpp"

#include <sndfile.h>

#include <fmt/format.h>

#include <stdexcept>

namespace plenum::client {
namespace {

constexpr int kRate = 48000;

SNDFILE* open_for_writing(const std::filesystem::path& file, int rate) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* handle = sf_open(file.c_str(), SFM_WRITE, &info);
  if (handle == nullptr) {
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", file.string(), sf_strerror(nullptr)));
  }
  // Float input beyond -1..1 is clipped rather than wrapped.
  sf_command(handle, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  return handle;
}

}  // namespace

std::vector<float> read_audio_mono48k(const std::filesystem::path& file) {
  SF_INFO info{};
  SNDFILE* handle = sf_open(file.c_str(), SFM_READ, &info);
  if (handle == nullptr) {
    throw std::runtime_error(fmt::format("cannot read {}: {}", file.string(), sf_strerror(nullptr)));
  }
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> interleaved(static_cast<std::size_t>(info.frames) * channels);
  const sf_count_t read = sf_readf_float(handle, interleaved.data(), info.frames);
  sf_close(handle);
  std::vector<float> mono(static_cast<std::size_t>(read));
  for (std::size_t i = 0; i < mono.size(); ++i) {
    float sum = 0.0F;
    for (std::size_t c = 0; c < channels; ++c) {
      sum += interleaved[i * channels + c];
    }
    mono[i] = sum / static_cast<float>(channels);
  }
  return resample(mono, info.samplerate, kRate);
}

WavWriter::WavWriter(const std::filesystem::path& file)
    : file_(open_for_writing(file, kRate)), path_(file) {}

WavWriter::~WavWriter() { close(); }

void WavWriter::write(std::span<const float> samples) {
  if (file_ == nullptr) {
    return;
  }
  const sf_count_t done =
      sf_writef_float(file_, samples.data(), static_cast<sf_count_t>(samples.size()));
  if (done != static_cast<sf_count_t>(samples.size())) {
    throw std::runtime_error(fmt::format("cannot write {}: {}", path_.string(), sf_strerror(file_)));
  }
  written_ += samples.size();
}

void WavWriter::close() noexcept {
  if (file_ != nullptr) {
    sf_close(file_);
    file_ = nullptr;
  }
}

void write_wav(const std::filesystem::path& file, std::span<const float> samples, int rate) {
  SNDFILE* handle = open_for_writing(file, rate);
  const sf_count_t done =
      sf_writef_float(handle, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_close(handle);
  if (done != static_cast<sf_count_t>(samples.size())) {
    throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  }
}

}  // namespace plenum::client
