#include "protocol/codec/jitter_buffer.hpp"

#include <algorithm>
#include <cmath>

namespace plenum::protocol::codec {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kUnit{10};
// A frame number this far from the playout point belongs to a new transmission: Mumble's
// senders restart at 0 after 5 s of silence (MUMBLE_PROTOCOL.md §4.3).
constexpr std::uint64_t kNewStreamUnits = 500;
// Underruns stretched by PLC before the speaker counts as gone (a sender that stopped without
// a terminator): 200 ms of fading concealment.
constexpr unsigned kMaxUnderruns = 10;
// Shrinking looks at the smallest depth over this many 20 ms turns (2 s) and gives back one
// packet when even that minimum exceeds the target by kShrinkMargin.
constexpr unsigned kShrinkWindow = 100;
constexpr milliseconds kShrinkMargin{40};

std::uint64_t units_of(milliseconds delay) {
  return static_cast<std::uint64_t>(delay / kUnit);
}

milliseconds round_up_to_tick(double ms) {
  const double tick = static_cast<double>(JitterBuffer::kUnitsPerTick) * 10.0;
  return milliseconds(static_cast<long>(std::ceil(ms / tick) * tick));
}

}  // namespace

std::chrono::milliseconds JitterBuffer::buffered() const noexcept {
  return kUnit * static_cast<long>(depth_units());
}

std::uint64_t JitterBuffer::depth_units() const noexcept {
  if (frames_.empty()) {
    return 0;
  }
  const auto& last = frames_.rbegin()->second;
  const std::uint64_t start = playing_ ? next_seq_ : frames_.begin()->first;
  const std::uint64_t end = last.seq + last.units;
  return end > start ? end - start : 0;
}

bool JitterBuffer::starts_new_stream(std::uint64_t seq) const noexcept {
  const std::optional<std::uint64_t> reference =
      playing_ ? std::optional<std::uint64_t>(next_seq_) : end_of_stream_;
  if (!reference) {
    return false;
  }
  const std::uint64_t distance = seq > *reference ? seq - *reference : *reference - seq;
  return distance > kNewStreamUnits;
}

void JitterBuffer::reset_stream() {
  frames_.clear();
  playing_ = false;
  end_of_stream_.reset();
  highest_end_.reset();
  previous_arrival_.reset();
  underruns_ = 0;
}

JitterBuffer::PushResult JitterBuffer::push(OwnedVoiceFrame frame, Clock::time_point arrival) {
  if (starts_new_stream(frame.seq)) {
    reset_stream();
  }
  if (frames_.contains(frame.seq)) {
    ++stats_.duplicates;
    return PushResult::Duplicate;
  }
  const std::optional<std::uint64_t> played_up_to = playing_ ? std::optional(next_seq_)
                                                             : end_of_stream_;
  const bool late = played_up_to && frame.seq < *played_up_to;
  count_arrival(frame, arrival, late);
  update_target();
  if (late) {
    ++stats_.late;
    grow_pending_ = true;  // the delay was too short for this network: add a tick
    return PushResult::Late;
  }
  if (frames_.empty() && !playing_) {
    first_arrival_ = arrival;
  }
  frames_.emplace(frame.seq, std::move(frame));
  bound_delay();
  return PushResult::Accepted;
}

void JitterBuffer::count_arrival(const OwnedVoiceFrame& frame, Clock::time_point arrival,
                                 bool late) {
  ++stats_.received;
  const std::uint64_t end = frame.seq + frame.units;
  if (!highest_end_) {
    if (!late) {
      highest_end_ = end;  // a straggler of a finished stream starts no loss count
    }
  } else if (frame.seq >= *highest_end_) {
    stats_.lost += (frame.seq - *highest_end_) / std::max<std::uint32_t>(frame.units, 1);
    highest_end_ = end;
  } else if (stats_.lost > 0) {
    --stats_.lost;  // it filled a gap counted earlier (reordered or late, but it arrived)
  }
  if (previous_arrival_) {
    const auto [previous_time, previous_seq] = *previous_arrival_;
    const double sent_ms = (static_cast<double>(frame.seq) - static_cast<double>(previous_seq)) *
                           static_cast<double>(kUnit.count());
    const double arrived_ms =
        std::chrono::duration<double, std::milli>(arrival - previous_time).count();
    stats_.jitter_ms += (std::abs(arrived_ms - sent_ms) - stats_.jitter_ms) / 16.0;
  }
  if (highest_end_) {
    previous_arrival_ = {arrival, frame.seq};
  }
}

void JitterBuffer::bound_delay() {
  if (depth_units() * kUnit.count() <= static_cast<std::uint64_t>(config_.max_delay.count())) {
    return;
  }
  const auto& last = frames_.rbegin()->second;
  const std::uint64_t keep_from = last.seq + last.units - units_of(target_);
  while (!frames_.empty() && frames_.begin()->first < keep_from) {
    frames_.erase(frames_.begin());
    ++stats_.dropped;
  }
  if (playing_) {
    next_seq_ = std::max(next_seq_, keep_from);
  }
}

void JitterBuffer::maybe_start(Clock::time_point now) {
  if (playing_ || frames_.empty()) {
    return;
  }
  const bool has_terminator = std::any_of(frames_.begin(), frames_.end(),
                                          [](const auto& entry) { return entry.second.terminator; });
  if (depth_units() < units_of(target_) && now - first_arrival_ < target_ && !has_terminator) {
    return;
  }
  playing_ = true;
  next_seq_ = frames_.begin()->first;
  underruns_ = 0;
  window_min_depth_ = UINT64_MAX;
  window_calls_ = 0;
}

void JitterBuffer::maybe_shrink() {
  window_min_depth_ = std::min(window_min_depth_, depth_units());
  if (++window_calls_ < kShrinkWindow) {
    return;
  }
  const bool too_deep = window_min_depth_ > units_of(target_ + kShrinkMargin);
  window_min_depth_ = UINT64_MAX;
  window_calls_ = 0;
  if (too_deep && !frames_.empty() && frames_.begin()->first <= next_seq_) {
    const auto& first = frames_.begin()->second;
    next_seq_ = first.seq + first.units;
    frames_.erase(frames_.begin());
    ++stats_.dropped;
  }
}

void JitterBuffer::update_target() {
  // Twice the mean deviation covers most arrivals; one more tick for the packet in play.
  target_ = std::clamp(round_up_to_tick(2.0 * stats_.jitter_ms + 20.0), config_.min_delay,
                       config_.max_delay);
}

void JitterBuffer::finish_stream() {
  playing_ = false;
  end_of_stream_ = next_seq_;
  highest_end_.reset();
  previous_arrival_.reset();
  grow_pending_ = false;
}

JitterBuffer::Playout JitterBuffer::next(Clock::time_point now) {
  if (!playing_) {
    maybe_start(now);
    if (!playing_) {
      return {};
    }
  } else {
    maybe_shrink();
  }
  if (grow_pending_) {
    grow_pending_ = false;
    if (depth_units() < units_of(target_)) {
      // Stretch once with PLC, without moving the playout point: the delay grows a tick.
      ++stats_.expanded;
      return {Playout::Kind::Conceal, nullptr, kUnitsPerTick};
    }
  }
  if (!frames_.empty() && frames_.begin()->first <= next_seq_) {
    current_ = std::move(frames_.begin()->second);
    frames_.erase(frames_.begin());
    next_seq_ = current_.seq + current_.units;
    underruns_ = 0;
    if (current_.terminator) {
      finish_stream();
      first_arrival_ = now;
    }
    return {Playout::Kind::Frame, &current_, current_.units};
  }
  if (!frames_.empty()) {
    // A hole before the next packet: conceal at most one tick of it.
    const OwnedVoiceFrame& after = frames_.begin()->second;
    const std::uint64_t gap = after.seq - next_seq_;
    const auto units = static_cast<std::uint32_t>(std::min<std::uint64_t>(gap, kUnitsPerTick));
    next_seq_ += units;
    ++stats_.concealed;
    underruns_ = 0;
    if (gap <= kUnitsPerTick) {
      ++stats_.fec;
      return {Playout::Kind::Fec, &after, units};
    }
    return {Playout::Kind::Conceal, nullptr, units};
  }
  // Nothing buffered: the next packet is late or the sender stopped. Stretch with PLC without
  // moving the playout point, so a late packet still plays (the delay grows by a tick).
  if (++underruns_ > kMaxUnderruns) {
    finish_stream();
    first_arrival_ = now;
    return {};
  }
  ++stats_.expanded;
  return {Playout::Kind::Conceal, nullptr, kUnitsPerTick};
}

}  // namespace plenum::protocol::codec
