#include "client-cli/audio_io/frame_queue.hpp"

#include <algorithm>

namespace plenum::client {

void FrameQueue::push(std::span<const float> frame) {
  {
    const std::lock_guard lock(mutex_);
    if (capacity_ == 0) {
      ++dropped_;
      return;
    }
    if (frames_.size() >= capacity_) {
      frames_.pop_front();
      ++dropped_;
    }
    Frame& slot = frames_.emplace_back();
    std::copy_n(frame.begin(), std::min(frame.size(), slot.size()), slot.begin());
  }
  arrived_.notify_one();
}

bool FrameQueue::pop(std::span<float> out) {
  const std::lock_guard lock(mutex_);
  if (frames_.empty()) {
    return false;
  }
  std::copy_n(frames_.front().begin(), std::min(out.size(), protocol::codec::kFrameSamples), out.begin());
  frames_.pop_front();
  return true;
}

bool FrameQueue::pop_wait(std::span<float> out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, timeout, [this] { return !frames_.empty(); })) {
    return false;
  }
  std::copy_n(frames_.front().begin(), std::min(out.size(), protocol::codec::kFrameSamples), out.begin());
  frames_.pop_front();
  return true;
}

std::size_t FrameQueue::size() const {
  const std::lock_guard lock(mutex_);
  return frames_.size();
}

std::uint64_t FrameQueue::dropped() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace plenum::client
