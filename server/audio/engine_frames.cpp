#include "server/audio/engine_frames.hpp"

#include <algorithm>

namespace plenum::server::audio {

const ChannelSelection* SelectionSnapshot::find(ChannelId channel) const noexcept {
  const auto it = std::lower_bound(
      channels.begin(), channels.end(), channel,
      [](const ChannelSelection& selection, ChannelId id) { return selection.channel < id; });
  return it != channels.end() && it->channel == channel ? &*it : nullptr;
}

}  // namespace plenum::server::audio
