// What crosses the audio engine's boundary (DESIGN.md §2, STYLE.md §2): the speaker frames the
// voice threads hand in, the per-channel view of the routing state the engine works from, and the
// per-tick output (mixed Opus frames, the selected speakers, notices) that goes back to the voice
// plane and the control plane. Plain values: produced on one thread, consumed on another.
#pragma once

#include "protocol/voice_packet.hpp"
#include "server/config/server_config.hpp"
#include "server/state/ids.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace plenum::server::audio {

using state::ChannelId;
using state::SessionId;
using Clock = std::chrono::steady_clock;

// Selected speakers per channel at most (the `topk` setting's range is 1..32).
inline constexpr std::size_t kMaxSelected = 32;
// The engine asks opus_encode for at most this many bytes per 20 ms frame: 510 kbit/s, Opus'
// ceiling, is 1275 bytes; a mix at the channel's bitrate (6..128 kbit/s) is far below.
inline constexpr std::size_t kMaxMixPacketBytes = 400;

// One Opus packet of a speaker in an engine channel, copied once out of its datagram because it
// must outlive it (STYLE.md §2: the named copy). Fixed size, so the voice-to-engine ring never
// allocates.
struct SpeakerFrame {
  SessionId speaker = 0;
  ChannelId channel = state::kRootChannel;
  std::uint64_t frame_number = 0;  // of its first 10 ms unit (MUMBLE_PROTOCOL.md §4.3)
  bool terminator = false;
  Clock::time_point arrival{};
  std::uint16_t size = 0;
  std::array<std::byte, protocol::kMaxUdpPlaintextSize> opus{};

  protocol::ByteView bytes() const noexcept { return {opus.data(), size}; }
};

using config::TransmitPolicy;

// One engine channel as the engine needs it, resolved by the control plane from channel
// settings, [plenary] defaults and the users in it (all vectors ascending).
struct EngineChannel {
  ChannelId channel = state::kRootChannel;
  std::uint32_t k = 4;                 // speakers selected (1..kMaxSelected)
  std::uint32_t bitrate_bps = 16000;   // the mix's Opus bitrate
  float gate_dbfs = -50.0F;            // the gate never opens below this level
  TransmitPolicy transmit = TransmitPolicy::Any;
  std::uint32_t auto_ptt_open_mics = 12;  // `auto`: ptt above this many open microphones
  std::vector<SessionId> priority;     // Mumble's priority speakers: always selected, duck others
  std::vector<SessionId> floor;        // floor holders (plenary control): always selected
  std::vector<SessionId> mix_listeners;  // members listening in `mix` (get an N-1 mix if selected)
};

// Every engine channel; immutable once published, swapped in by the engine thread.
struct EngineSnapshot {
  std::vector<EngineChannel> channels;  // ascending channel ids
};

// One encoded 20 ms frame of a mix: the shared mix (excluded == 0) or the N-1 mix of the
// selected speaker `excluded`, who must not hear itself.
struct MixedFrame {
  SessionId excluded = 0;
  std::uint16_t size = 0;
  std::array<std::byte, kMaxMixPacketBytes> opus{};

  protocol::ByteView bytes() const noexcept { return {opus.data(), size}; }
};

// The engine's output for one channel in one tick. `frame_count` frames are valid; the shared mix
// comes first. `terminator`: the last frame before the mix falls silent (no frames follow until
// someone is selected again).
struct ChannelTick {
  ChannelId channel = state::kRootChannel;
  std::uint64_t frame_number = 0;  // the mix stream's, in 10 ms units (+2 per frame)
  bool terminator = false;
  std::size_t frame_count = 0;
  std::array<MixedFrame, kMaxSelected + 1> frames{};
};

// Who is selected (and who is stopped) in one channel, published when it changes.
struct ChannelSelection {
  ChannelId channel = state::kRootChannel;
  std::vector<SessionId> selected;  // ascending: forwarded to `topk` listeners, mixed for `mix`
  std::vector<SessionId> blocked;   // ascending: open microphones stopped under `ptt`
  bool push_to_talk = false;        // the policy in force (`auto` resolves to ptt or not)

  bool operator==(const ChannelSelection&) const = default;
};

// Every engine channel's selection; immutable once published.
struct SelectionSnapshot {
  std::vector<ChannelSelection> channels;  // ascending channel ids
  const ChannelSelection* find(ChannelId channel) const noexcept;
};

// Something the control plane tells a user or a channel once.
struct EngineNotice {
  enum class Kind : std::uint8_t {
    OpenMicrophone,  // `session`'s microphone stays open without speech: stopped until it stops
    PushToTalkOn,    // `channel` now asks for push-to-talk (ptt, or auto above the threshold)
    PushToTalkOff,   // `channel` no longer does (auto: the room is quiet again)
  };
  Kind kind = Kind::OpenMicrophone;
  ChannelId channel = state::kRootChannel;
  SessionId session = 0;
};

// Counters for the periodic stats line (and metrics): monotonic since start.
struct EngineCounters {
  std::uint64_t frames_in = 0;        // speaker frames pushed
  std::uint64_t frames_decoded = 0;   // 20 ms frames decoded from packets
  std::uint64_t frames_concealed = 0; // by PLC or FEC
  std::uint64_t frames_gated = 0;     // decoded but behind a closed gate
  std::uint64_t frames_mixed = 0;     // speaker frames that went into a mix
  std::uint64_t mixes_encoded = 0;    // Opus encodes of a mix
  std::uint64_t ticks = 0;
  std::uint64_t ticks_late = 0;       // ran more than one frame late (skipped ahead)
  std::uint64_t frames_dropped = 0;   // ring to the engine full, or more speakers than it keeps
};

}  // namespace plenum::server::audio
