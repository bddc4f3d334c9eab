// FrameQueue: a bounded queue of 20 ms mono frames between the client's 20 ms clock and a
// sound device's blocking I/O thread, which run on different clocks. A full queue drops its
// oldest frame (latency stays bounded when the producer runs fast); an empty one yields
// nothing and the consumer plays or sends silence. Thread-safe: one producer, one consumer.
#pragma once

#include "protocol/codec/opus_codec.hpp"

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>

namespace plenum::client {

class FrameQueue {
 public:
  using Frame = std::array<float, protocol::codec::kFrameSamples>;

  explicit FrameQueue(std::size_t capacity_frames) : capacity_(capacity_frames) {}

  // Copies frame (kFrameSamples) in; drops the oldest when full.
  void push(std::span<const float> frame);
  // Takes the oldest frame into out (kFrameSamples); false (out untouched) when empty.
  bool pop(std::span<float> out);
  // As pop, but waits up to `timeout` for a frame to arrive.
  bool pop_wait(std::span<float> out, std::chrono::milliseconds timeout);

  std::size_t size() const;
  std::uint64_t dropped() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;  // guards frames_ and dropped_
  std::condition_variable arrived_;
  std::deque<Frame> frames_;
  std::uint64_t dropped_ = 0;
};

}  // namespace plenum::client
