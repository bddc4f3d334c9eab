// ControlPlane::apply_config: what a SIGHUP reload changes on the control plane. Runs on the
// control-plane thread, between two handled messages, so no handler sees half a config.
#include "server/control/control_plane.hpp"

#include <utility>

namespace plenum::server::control {

void ControlPlane::apply_config(config::ServerConfig next) {
  // The state first: its name patterns are compiled there and may throw, leaving all as it was.
  state_.set_rules(state_rules(next));
  config_ = std::move(next);
  limits_ = make_control_limits(config_);
  // The routing snapshot carries the [plenary] defaults to the engine: rebuild it now rather
  // than at the next user or channel change.
  publish_routing();
}

}  // namespace plenum::server::control
