// The channels one user listens to without being in them (1.4+ channel listeners) and the
// volume factor it chose for each (1.5+ listening_volume_adjustment). Held by ConnectedUser
// (live) and by Account (what a registered user gets back at login). Control-plane thread.
#pragma once

#include "server/state/ids.hpp"

#include <cstddef>
#include <initializer_list>
#include <map>

namespace plenum::server::state {

// Mumble's listener volume slider spans -30..+30 dB and sends the factor 2^(dB/6)
// (mumble/VolumeSliderWidgetAction.cpp, ListenerVolumeSlider.cpp). Murmur takes any float; a
// factor outside this range, not finite, or 0 (on the wire 0 means "absent" = 1.0) is refused.
inline constexpr float kMinListenerVolume = 1.0F / 32.0F;
inline constexpr float kMaxListenerVolume = 32.0F;

bool valid_listener_volume(float factor) noexcept;

class ListenedChannels {
 public:
  using Volumes = std::map<ChannelId, float>;  // channel -> factor, 1.0 = unchanged

  ListenedChannels() = default;
  ListenedChannels(std::initializer_list<ChannelId> channels);  // each at 1.0

  bool contains(ChannelId channel) const noexcept { return volumes_.contains(channel); }
  // Starts listening at `factor` (1.0 when the factor is not valid_listener_volume); false, and
  // no change, when already listening.
  bool insert(ChannelId channel, float factor = 1.0F);
  // Stops listening. The volume goes with it: listening again starts at 1.0.
  bool erase(ChannelId channel) { return volumes_.erase(channel) > 0; }
  // Sets the factor of a channel listened to; false, and no change, when the channel is not
  // listened to or the factor is not valid_listener_volume.
  bool set_volume(ChannelId channel, float factor);
  // The factor for `channel`; 1.0 when not listening.
  float volume(ChannelId channel) const noexcept;

  bool empty() const noexcept { return volumes_.empty(); }
  std::size_t size() const noexcept { return volumes_.size(); }
  // In ascending channel order, as (channel, factor).
  Volumes::const_iterator begin() const noexcept { return volumes_.begin(); }
  Volumes::const_iterator end() const noexcept { return volumes_.end(); }

  bool operator==(const ListenedChannels&) const = default;

 private:
  Volumes volumes_;
};

}  // namespace plenum::server::state
