#include "server/state/listened_channels.hpp"

namespace plenum::server::state {

bool valid_listener_volume(float factor) noexcept {
  // NaN fails both comparisons, infinities fail one.
  return factor >= kMinListenerVolume && factor <= kMaxListenerVolume;
}

ListenedChannels::ListenedChannels(std::initializer_list<ChannelId> channels) {
  for (const ChannelId channel : channels) volumes_.emplace(channel, 1.0F);
}

bool ListenedChannels::insert(ChannelId channel, float factor) {
  return volumes_.emplace(channel, valid_listener_volume(factor) ? factor : 1.0F).second;
}

bool ListenedChannels::set_volume(ChannelId channel, float factor) {
  const auto it = volumes_.find(channel);
  if (it == volumes_.end() || !valid_listener_volume(factor)) return false;
  it->second = factor;
  return true;
}

float ListenedChannels::volume(ChannelId channel) const noexcept {
  const auto it = volumes_.find(channel);
  return it == volumes_.end() ? 1.0F : it->second;
}

}  // namespace plenum::server::state
