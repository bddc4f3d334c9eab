// SpscRing: a bounded queue between exactly one producer thread and one consumer thread whose
// slots are filled and read in place, so nothing is copied or allocated after construction.
// Used between voice shards (ShardMesh); each side's methods are called from its own thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

namespace plenum::server::voice {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const noexcept { return slots_.size(); }

  // Producer: the slot to fill next, or nullptr when the ring is full. Filling it publishes
  // nothing; publish() does.
  T* prepare() noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == slots_.size()) return nullptr;
    return &slots_[tail % slots_.size()];
  }
  // Producer: hands the prepared slot over. True when the ring held nothing else, so that the
  // consumer may have gone to sleep and must be woken.
  //
  // The tail store and the head load here, and the head store in pop() and the tail load in
  // front() on the consumer's side, are sequentially consistent: either the consumer's last
  // front() sees the new tail, or this load sees the consumer's last pop() and reports the
  // ring empty. Release/acquire alone would let both miss, and the message would wait for an
  // unrelated wake-up.
  bool publish() noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_seq_cst);
    return head_.load(std::memory_order_seq_cst) == tail;
  }

  // Consumer: the oldest published slot, or nullptr when none is waiting.
  T* front() noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_seq_cst)) return nullptr;
    return &slots_[head % slots_.size()];
  }
  // Consumer: gives the front slot back to the producer.
  void pop() noexcept { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst); }

 private:
  std::vector<T> slots_;
  // Counters that only grow; apart on their own cache lines so the two threads do not share one.
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace plenum::server::voice
