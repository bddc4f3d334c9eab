#include "client-cli/core/floor_view.hpp"

#include <google/protobuf/unknown_field_set.h>

namespace plenum::client {

std::optional<MumbleProto::PlenumFloor> plenum_floor_of(const MumbleProto::ChannelState& state) {
  const auto& unknown = state.GetReflection()->GetUnknownFields(state);
  std::optional<MumbleProto::PlenumFloor> found;
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto& field = unknown.field(i);
    if (field.number() != kPlenumFloorField) continue;
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    MumbleProto::PlenumFloor floor;
    if (!floor.ParseFromString(field.length_delimited())) continue;
    found = std::move(floor);
  }
  return found;
}

bool FloorView::apply(const MumbleProto::ChannelState& state) {
  if (!state.has_channel_id()) return false;
  auto floor = plenum_floor_of(state);
  if (!floor) return false;
  floors_[state.channel_id()] = std::move(*floor);
  return true;
}

void FloorView::apply(const MumbleProto::ChannelRemove& remove) { floors_.erase(remove.channel_id()); }

const MumbleProto::PlenumFloor* FloorView::floor(std::uint32_t channel_id) const {
  const auto it = floors_.find(channel_id);
  return it == floors_.end() ? nullptr : &it->second;
}

std::uint32_t FloorView::position_of(std::uint32_t channel_id, std::uint32_t session) const {
  const auto* known = floor(channel_id);
  if (!known) return 0;
  for (int i = 0; i < known->queue_size(); ++i) {
    if (known->queue(i).session() == session) return static_cast<std::uint32_t>(i) + 1;
  }
  return 0;
}

}  // namespace plenum::client
