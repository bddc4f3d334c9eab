// JitterBuffer: one remote speaker's voice packets, reordered by frame number and released at
// an adaptive delay; it says when to conceal a gap (Opus FEC or PLC) and when to stretch an
// underrun. Owned by that speaker's RemoteSpeaker, on the audio executor; the clock is passed in.
//
// Frame numbers count 10 ms units (MUMBLE_PROTOCOL.md §4.3): a 20 ms packet advances them by 2.
#pragma once

#include "protocol/bytes.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

namespace plenum::protocol::codec {

// A voice packet copied out of its datagram, because it must outlive it.
struct OwnedVoiceFrame {
  std::uint64_t seq = 0;     // frame number of its first 10 ms unit
  std::uint32_t units = 2;   // its duration in 10 ms units
  bool terminator = false;   // the sender's last packet of this transmission
  protocol::Bytes opus;
};

struct JitterConfig {
  std::chrono::milliseconds min_delay{40};
  // Bound on the buffered audio: beyond it the oldest packets are dropped.
  std::chrono::milliseconds max_delay{300};
};

struct JitterStats {
  std::uint64_t received = 0;       // packets accepted (late ones included)
  std::uint64_t late = 0;           // arrived after their turn had passed; not played
  std::uint64_t lost = 0;           // sequence gaps never filled
  std::uint64_t duplicates = 0;
  std::uint64_t concealed = 0;      // gaps covered by FEC or PLC
  std::uint64_t fec = 0;            // of those, by the next packet's in-band FEC
  std::uint64_t expanded = 0;       // underruns stretched by PLC (the delay grew)
  std::uint64_t dropped = 0;        // discarded to keep the delay bounded
  double jitter_ms = 0.0;           // RFC 3550 interarrival jitter estimate
};

class JitterBuffer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint32_t kUnitsPerTick = 2;  // the 20 ms the mixer asks for at a time

  enum class PushResult { Accepted, Late, Duplicate };

  struct Playout {
    enum class Kind { Silence, Frame, Fec, Conceal };
    Kind kind = Kind::Silence;
    // Frame: the packet to decode. Fec: the packet after the gap, whose FEC data covers it.
    // Valid until the next push() or next().
    const OwnedVoiceFrame* frame = nullptr;
    std::uint32_t units = 0;  // audio this covers, in 10 ms units (0 for Silence)
  };

  explicit JitterBuffer(JitterConfig config = {}) : config_(config) {}

  PushResult push(OwnedVoiceFrame frame, Clock::time_point arrival);
  // The next piece of audio in frame order. Silence while idle or prebuffering.
  Playout next(Clock::time_point now);

  bool playing() const noexcept { return playing_; }
  // Audio buffered ahead of the playout point (holes included).
  std::chrono::milliseconds buffered() const noexcept;
  std::chrono::milliseconds target_delay() const noexcept { return target_; }
  const JitterStats& stats() const noexcept { return stats_; }

 private:
  bool starts_new_stream(std::uint64_t seq) const noexcept;
  void reset_stream();
  void count_arrival(const OwnedVoiceFrame& frame, Clock::time_point arrival, bool late);
  void bound_delay();
  void maybe_start(Clock::time_point now);
  void maybe_shrink();
  void update_target();
  void finish_stream();
  std::uint64_t depth_units() const noexcept;

  JitterConfig config_;
  JitterStats stats_;
  std::chrono::milliseconds target_{config_.min_delay};

  std::map<std::uint64_t, OwnedVoiceFrame> frames_;
  OwnedVoiceFrame current_;  // the frame last handed out by next()
  bool playing_ = false;
  std::uint64_t next_seq_ = 0;          // playing: the first unit not yet played
  std::optional<std::uint64_t> end_of_stream_;  // where the last stream stopped
  std::optional<std::uint64_t> highest_end_;    // end of the newest packet of this stream
  Clock::time_point first_arrival_{};   // prebuffering since
  unsigned underruns_ = 0;              // consecutive stretched ticks
  bool grow_pending_ = false;           // a late packet asked for more delay
  // Shrinking: the smallest depth seen in the current window of next() calls.
  std::uint64_t window_min_depth_ = UINT64_MAX;
  unsigned window_calls_ = 0;
  // RFC 3550 jitter: the previous packet of this stream.
  std::optional<std::pair<Clock::time_point, std::uint64_t>> previous_arrival_;
};

}  // namespace plenum::protocol::codec
