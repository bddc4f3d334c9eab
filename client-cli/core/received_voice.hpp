// ReceivedVoice: one voice packet as the connection hands it to the audio side, a view into
// the datagram or tunnel frame it came in. Valid only during the callback that carries it.
#pragma once

#include "client-cli/core/voice_path.hpp"
#include "protocol/bytes.hpp"

#include <cstdint>

namespace plenum::client {

struct ReceivedVoice {
  std::uint32_t session = 0;        // the speaker
  std::uint64_t frame_number = 0;   // 10 ms units (MUMBLE_PROTOCOL.md §4.3)
  protocol::ByteView opus;
  bool terminator = false;
  VoicePath path = VoicePath::Udp;  // how it reached us
};

}  // namespace plenum::client
