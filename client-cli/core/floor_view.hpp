// FloorView: the live floor of each plenary channel as the server sends it, structured, in
// ChannelState field 1100 (PlenumFloor.proto; DESIGN.md §4), for the TUI's floor pane. Owned by
// the Connection next to its ServerView, on the same executor. Never parsed from the channel
// description or channel text: those are for stock clients.
#pragma once

#include "Mumble.pb.h"
#include "PlenumFloor.pb.h"

#include <cstdint>
#include <map>
#include <optional>

namespace plenum::client {

// ChannelState's extension field for PlenumFloor (the server's floor_control.cpp sends it).
inline constexpr int kPlenumFloorField = 1100;

// The PlenumFloor a ChannelState carries, or none: absent, not length-delimited, or not a valid
// PlenumFloor (bad input is dropped; the rest of the ChannelState still applies). When the field
// repeats, the last one wins, as protobuf does for a singular message field.
std::optional<MumbleProto::PlenumFloor> plenum_floor_of(const MumbleProto::ChannelState& state);

class FloorView {
 public:
  // Each delta carries the whole floor of its channel, so it replaces what was known. Returns
  // true when the state carried a floor.
  bool apply(const MumbleProto::ChannelState& state);
  void apply(const MumbleProto::ChannelRemove& remove);

  const MumbleProto::PlenumFloor* floor(std::uint32_t channel_id) const;
  // 1-based position of a session in the channel's queue, 0 when not waiting.
  std::uint32_t position_of(std::uint32_t channel_id, std::uint32_t session) const;

 private:
  std::map<std::uint32_t, MumbleProto::PlenumFloor> floors_;
};

}  // namespace plenum::client
