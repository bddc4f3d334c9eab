#include "server/audio/engine_frames.hpp"

#include <algorithm>

namespace plenum::server::audio {

const ChannelSelection* SelectionSnapshot::find(ChannelId channel) const noexcept {
  // Ascending ids: the voice threads look a channel up per packet, so a binary search.
  const auto it = std::lower_bound(
      channels.begin(), channels.end(), channel,
      [](const ChannelSelection& selection, ChannelId id) { return selection.channel < id; });
  return it != channels.end() && it->channel == channel ? &*it : nullptr;
}

}  // namespace plenum::server::audio
