// OpusLoops: every speaker's signal loop encoded once, at start, into 20 ms Opus packets that
// its LoadClient then sends in turn, so the run costs no encoding. Owned by LoadRun; read on
// the generator's thread.
#pragma once

#include "protocol/bytes.hpp"
#include "tests/load/speaker_signals.hpp"

#include <cstddef>
#include <vector>

namespace plenum::load {

struct OpusLoop {
  std::vector<protocol::Bytes> frames;  // 20 ms each, sent in order, round and round
  bool marks_onsets = false;            // frame kOnsetFrame of each turn is the marked onset
};

// Encodes each spec's signal_loop at `bitrate_bps` (protocol/codec's OpusVoiceEncoder: VOIP,
// in-band FEC, constant bitrate). The encoder first runs over the loop's last frames and those
// packets are dropped, so the packet after the loop's end continues the audio seamlessly.
std::vector<OpusLoop> encode_loops(const std::vector<SignalSpec>& specs, int bitrate_bps);

}  // namespace plenum::load
