#include "client-cli/audio_io/frame_queue.hpp"

#include "client-cli/audio_io/audio_device.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

namespace plenum::client {
namespace {

using namespace std::chrono_literals;

FrameQueue::Frame frame_of(float value) {
  FrameQueue::Frame frame{};
  frame.fill(value);
  return frame;
}

// Sets an environment variable for one scope and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_SUITE("client-cli") {
  TEST_CASE("frame queue hands frames out in order and drops the oldest when full") {
    FrameQueue queue(3);
    FrameQueue::Frame out = frame_of(-1.0F);
    CHECK_FALSE(queue.pop(out));
    CHECK(out[0] == -1.0F);  // untouched when empty
    for (int i = 1; i <= 5; ++i) {
      queue.push(frame_of(static_cast<float>(i)));
    }
    CHECK(queue.size() == 3);
    CHECK(queue.dropped() == 2);
    for (float expected : {3.0F, 4.0F, 5.0F}) {
      REQUIRE(queue.pop(out));
      CHECK(out[0] == expected);
      CHECK(out[protocol::codec::kFrameSamples - 1] == expected);
    }
    CHECK_FALSE(queue.pop(out));
  }

  TEST_CASE("frame queue: a waiting consumer gets a frame pushed from another thread") {
    FrameQueue queue(2);
    FrameQueue::Frame out{};
    CHECK_FALSE(queue.pop_wait(out, 1ms));
    std::thread producer([&queue] { queue.push(frame_of(0.5F)); });
    CHECK(queue.pop_wait(out, 10s));
    producer.join();
    CHECK(out[0] == 0.5F);
  }

  TEST_CASE("opening audio gives a one-line reason when there is no device") {
    const AudioOpen none = open_audio_device(AudioBackend::None, "plenum-tests");
    CHECK(none.device == nullptr);
    CHECK(none.error.find("--audio none") != std::string::npos);

    const ScopedEnv no_server("PULSE_SERVER", "unix:/nonexistent/plenum-tests/native");
    const AudioOpen pulse = open_audio_device(AudioBackend::Pulse, "plenum-tests");
    CHECK(pulse.device == nullptr);
    CHECK_MESSAGE(pulse.error.find("no PulseAudio sound server") != std::string::npos,
                  pulse.error);
    CHECK(pulse.error.find('\n') == std::string::npos);
  }
}

}  // namespace
}  // namespace plenum::client
