// ShardMesh: how the voice shards (one thread, socket and VoiceRelay each; VoicePlane) pass work
// to one another: one SpscRing per ordered pair of shards, carrying fixed-size ShardMessages
// filled in place. A full ring drops the message (the sender counts it). Created by the
// VoicePlane before its threads start; each ring's producer side belongs to the sending shard's
// thread and its consumer side to the receiving shard's.
#pragma once

#include "server/voice/datagram.hpp"
#include "server/voice/spsc_ring.hpp"
#include "server/voice/voice_commands.hpp"

#include <boost/asio/ip/udp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace plenum::server::voice {

struct ShardMessage {
  enum class Kind : std::uint8_t {
    Fanout,            // `bytes`: one plaintext encoding for `receivers`, homed on the target
    Datagram,          // `bytes`: a datagram as received, for the home of its source (or to learn it)
    Bind,              // the target should pass datagrams from `from` to the sender: `session` lives there
    Tunnel,            // `bytes`: a UDPTunnel voice payload from `session`, homed on the target
    EncryptIvRequest,  // `session` asked for our encrypt IV; the target is its home
  };
  // Receivers per Fanout message; more receivers on one shard take several messages.
  static constexpr std::size_t kReceivers = 64;

  Kind kind = Kind::Fanout;
  std::uint8_t from_shard = 0;
  SessionId session = 0;
  // Datagram and Bind: the client's address; Datagram: as the socket reported it.
  boost::asio::ip::udp::endpoint from;
  LocalAddress to;
  std::chrono::nanoseconds waited{0};
  std::size_t size = 0;
  std::array<std::byte, kMaxDatagramSize> bytes{};
  std::size_t receiver_count = 0;
  std::array<SessionId, kReceivers> receivers{};

  protocol::ByteView view() const noexcept { return {bytes.data(), size}; }
};

class ShardMesh {
 public:
  // Rings grow as the square of the shard count (~0.4 MiB each).
  static constexpr std::size_t kMaxShards = 8;
  static constexpr std::size_t kRingCapacity = 256;
  // Wakes a shard whose ring from another shard turned non-empty; called on the sender's thread.
  using Waker = std::function<void(std::size_t shard)>;

  explicit ShardMesh(std::size_t shards, std::size_t ring_capacity = kRingCapacity);

  std::size_t size() const noexcept { return shards_; }
  // Before any thread starts.
  void set_waker(Waker waker) { waker_ = std::move(waker); }

  // Thread of shard `from`: a message to fill for shard `to`, or nullptr when that ring is full.
  ShardMessage* prepare(std::size_t from, std::size_t to) noexcept { return ring(from, to).prepare(); }
  void publish(std::size_t from, std::size_t to);

  // Thread of shard `to`: hands every waiting message to `handle(const ShardMessage&)`, oldest
  // first per sending shard; returns how many.
  template <class Handle>
  std::size_t drain(std::size_t to, Handle&& handle);

 private:
  SpscRing<ShardMessage>& ring(std::size_t from, std::size_t to) noexcept {
    return *rings_[from * shards_ + to];
  }

  std::size_t shards_;
  std::vector<std::unique_ptr<SpscRing<ShardMessage>>> rings_;  // [from * shards + to]; none for from == to
  Waker waker_;
};

template <class Handle>
std::size_t ShardMesh::drain(std::size_t to, Handle&& handle) {
  std::size_t handled = 0;
  for (std::size_t from = 0; from < shards_; ++from) {
    if (from == to) continue;
    SpscRing<ShardMessage>& source = ring(from, to);
    while (const ShardMessage* message = source.front()) {
      handle(*message);
      source.pop();
      ++handled;
    }
  }
  return handled;
}

}  // namespace plenum::server::voice
