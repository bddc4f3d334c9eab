#include "client-cli/audio_io/pulse_device.hpp"

#ifdef PLENUM_HAVE_PULSEAUDIO

#include "client-cli/audio_io/frame_queue.hpp"

#include <fmt/format.h>
#include <pulse/error.h>
#include <pulse/simple.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace plenum::client {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kFrameBytes = static_cast<std::uint32_t>(protocol::codec::kFrameSamples * sizeof(float));
constexpr std::uint32_t kServerDefault = static_cast<std::uint32_t>(-1);
// The microphone side holds at most 200 ms (a stalled clock drops the oldest); the speaker
// side 100 ms. PulseAudio's own playback buffer holds 80 ms, so the speaker thread can wait up
// to 50 ms for a late frame before it must fill in silence (which shifts the sound after it).
constexpr std::size_t kCaptureFrames = 10;
constexpr std::size_t kPlaybackFrames = 5;
constexpr std::uint32_t kPlaybackBufferBytes = 4 * kFrameBytes;
constexpr auto kLateFrameWait = 50ms;

struct StreamFree {
  void operator()(pa_simple* stream) const noexcept { pa_simple_free(stream); }
};
using Stream = std::unique_ptr<pa_simple, StreamFree>;

class PulseAudioDevice final : public AudioDevice {
 public:
  PulseAudioDevice(Stream record, Stream playback)
      : record_(std::move(record)), playback_(std::move(playback)) {
    recorder_ = std::thread([this] { record_loop(); });
    player_ = std::thread([this] { playback_loop(); });
  }

  ~PulseAudioDevice() override {
    stopping_ = true;
    // Each loop leaves within a frame or two: reads and writes complete every 20 ms of audio.
    recorder_.join();
    player_.join();
  }

  PulseAudioDevice(const PulseAudioDevice&) = delete;
  PulseAudioDevice& operator=(const PulseAudioDevice&) = delete;

  bool capture(std::span<float> frame) override { return captured_.pop(frame); }
  void play(std::span<const float> frame) override { to_play_.push(frame); }

  std::string failure() const override {
    const std::lock_guard lock(failure_mutex_);
    return failure_;
  }

 private:
  void record_loop() {
    FrameQueue::Frame frame{};
    while (!stopping_) {
      int error = 0;
      if (pa_simple_read(record_.get(), frame.data(), kFrameBytes, &error) < 0) {
        fail(fmt::format("microphone stopped: {}", pa_strerror(error)));
        return;
      }
      captured_.push(frame);
    }
  }

  void playback_loop() {
    FrameQueue::Frame frame{};
    while (!stopping_) {
      // Nothing to play: silence keeps the stream running; the write blocks while
      // PulseAudio's buffer is full, so the device's clock paces this loop.
      if (!to_play_.pop_wait(frame, kLateFrameWait)) {
        frame.fill(0.0F);
      }
      int error = 0;
      if (pa_simple_write(playback_.get(), frame.data(), kFrameBytes, &error) < 0) {
        fail(fmt::format("speaker stopped: {}", pa_strerror(error)));
        return;
      }
    }
  }

  void fail(std::string why) {
    const std::lock_guard lock(failure_mutex_);
    if (failure_.empty()) {
      failure_ = std::move(why);
    }
  }

  // Allocated by this; each stream is used only by its thread.
  Stream record_;
  Stream playback_;
  FrameQueue captured_{kCaptureFrames};
  FrameQueue to_play_{kPlaybackFrames};
  std::atomic<bool> stopping_{false};
  mutable std::mutex failure_mutex_;  // guards failure_
  std::string failure_;
  // Last: the threads use everything above.
  std::thread recorder_;
  std::thread player_;
};

Stream open_stream(const std::string& application, pa_stream_direction_t direction,
                   const char* name, std::string* error_text) {
  const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, static_cast<std::uint32_t>(protocol::codec::kSampleRate), 1};
  pa_buffer_attr attr{};
  attr.maxlength = kServerDefault;
  attr.tlength = direction == PA_STREAM_PLAYBACK ? kPlaybackBufferBytes : kServerDefault;
  attr.prebuf = kServerDefault;
  attr.minreq = kServerDefault;
  attr.fragsize = direction == PA_STREAM_RECORD ? kFrameBytes : kServerDefault;
  int error = 0;
  Stream stream(pa_simple_new(nullptr, application.c_str(), direction, nullptr, name, &spec,
                              nullptr, &attr, &error));
  if (!stream) {
    *error_text = fmt::format("no PulseAudio sound server for the {} ({})", name,
                              pa_strerror(error));
  }
  return stream;
}

}  // namespace

AudioOpen open_pulse_device(const std::string& application) {
  std::string error;
  Stream record = open_stream(application, PA_STREAM_RECORD, "microphone", &error);
  if (!record) {
    return {nullptr, error};
  }
  Stream playback = open_stream(application, PA_STREAM_PLAYBACK, "speaker", &error);
  if (!playback) {
    return {nullptr, error};
  }
  return {std::make_unique<PulseAudioDevice>(std::move(record), std::move(playback)), {}};
}

}  // namespace plenum::client

#else

namespace plenum::client {

AudioOpen open_pulse_device(const std::string& /*application*/) {
  return {nullptr, "built without PulseAudio (install libpulse-dev and rebuild)"};
}

}  // namespace plenum::client

#endif
