// EngineWiring: the audio engine's ports onto the other planes (audio::EnginePorts): speaker frames
// from the voice plane's rings, mixes and selections to the voice shards, and selections and
// notices posted to the control plane's thread. Owned by the Server; its methods run on the
// engine thread.
#pragma once

#include "server/audio/audio_plane.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace plenum::server {

namespace control { class ControlPlane; }
namespace voice { class VoicePlane; }

class EngineWiring final : public audio::EnginePorts {
 public:
  EngineWiring(voice::VoicePlane& voice, control::ControlPlane& control) noexcept
      : voice_{voice}, control_{control} {}

  void drain_frames(const std::function<void(const audio::SpeakerFrame&)>& take) override;
  void deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks) override;
  void publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) override;
  void notify(std::vector<audio::EngineNotice> notices) override;

 private:
  voice::VoicePlane& voice_;
  control::ControlPlane& control_;
};

}  // namespace plenum::server
