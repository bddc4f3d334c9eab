#include "server/engine_wiring.hpp"

#include "server/control/control_plane.hpp"
#include "server/voice/voice_plane.hpp"

#include <boost/asio/post.hpp>

namespace plenum::server {

void EngineWiring::drain_frames(const std::function<void(const audio::SpeakerFrame&)>& take) {
  voice_.drain_engine_frames(take);
}

void EngineWiring::deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks) {
  voice_.deliver_mix(std::move(ticks));
}

void EngineWiring::publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) {
  voice_.publish_selection(selection);
  boost::asio::post(control_.executor(), [&control = control_, selection = std::move(selection)]() mutable {
    control.on_engine_selection(std::move(selection));
  });
}

void EngineWiring::notify(std::vector<audio::EngineNotice> notices) {
  boost::asio::post(control_.executor(), [&control = control_, notices = std::move(notices)] {
    control.on_engine_notices(notices);
  });
}

}  // namespace plenum::server
