#include "server/voice/shard_mesh.hpp"

namespace plenum::server::voice {

ShardMesh::ShardMesh(std::size_t shards, std::size_t ring_capacity)
    : shards_{shards == 0 ? 1 : shards}, rings_(shards_ * shards_) {
  for (std::size_t from = 0; from < shards_; ++from) {
    for (std::size_t to = 0; to < shards_; ++to) {
      if (from != to) rings_[from * shards_ + to] = std::make_unique<SpscRing<ShardMessage>>(ring_capacity);
    }
  }
}

void ShardMesh::publish(std::size_t from, std::size_t to) {
  if (ring(from, to).publish() && waker_) waker_(to);
}

}  // namespace plenum::server::voice
