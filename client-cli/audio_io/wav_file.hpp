// Sound files for the headless mode: reading any format libsndfile knows as mono 48 kHz, and
// writing mono 48 kHz 16-bit WAV. Owned by the headless loop; throw std::runtime_error with a
// one-line message naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

struct sf_private_tag;

namespace plenum::client {

// The whole file, channels averaged to mono, resampled to 48 kHz, samples in -1..1.
std::vector<float> read_audio_mono48k(const std::filesystem::path& file);

class WavWriter {
 public:
  // Creates (truncates) the file: WAV, 48 kHz, mono, 16-bit PCM.
  explicit WavWriter(const std::filesystem::path& file);
  ~WavWriter();
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  void write(std::span<const float> samples);
  // Finishes the header; the destructor does it too.
  void close() noexcept;
  std::uint64_t samples_written() const noexcept { return written_; }

 private:
  sf_private_tag* file_ = nullptr;
  std::filesystem::path path_;
  std::uint64_t written_ = 0;
};

// Writes samples as a mono WAV at `rate` in one go (tests and tools).
void write_wav(const std::filesystem::path& file, std::span<const float> samples, int rate);

}  // namespace plenum::client
