// Writes CryptStats into the four counter fields that Ping and UserStats.Stats share (good,
// late, lost, resync), so every sender of those messages fills them the same way.
#pragma once

#include "protocol/crypt_state_ocb2.hpp"

namespace plenum::protocol {

template <class Message>
void set_crypt_stats(Message& out, const CryptStats& stats) {
  out.set_good(stats.good);
  out.set_late(stats.late);
  out.set_lost(stats.lost);
  out.set_resync(stats.resync);
}

}  // namespace plenum::protocol
