// ControlPlane's part of the metrics: levels of the state and the plane's message counters,
// read on the control thread and handed to the metrics board by the Server.
#include "server/control/control_plane.hpp"

#include "protocol/version.hpp"
#include "server/voice/engine_routes.hpp"

namespace plenum::server::control {

namespace {

// Client versions are whatever clients claim: beyond this many distinct values, the rest are
// summed under "other", so a client cannot grow the metrics page without bound.
constexpr std::size_t kMaxVersionLabels = 32;

std::string version_label(std::uint64_t version_v2) {
  if (version_v2 == 0) return "unknown";
  return protocol::to_string(protocol::from_v2(version_v2));
}

}  // namespace

metrics::ControlReading ControlPlane::metrics_reading() const {
  metrics::ControlReading reading;
  reading.users = state_.users().size();
  reading.channels = state_.channels().size();
  for (const auto& [session, user] : state_.users().users()) {
    if (voice::listener_mode(state_, user, config_.plenary) == config::ListenerMode::Mix) ++reading.mix_listeners;
    std::string label = version_label(user.version);
    if (!reading.sessions_by_version.contains(label) &&
        reading.sessions_by_version.size() >= kMaxVersionLabels) {
      label = "other";
    }
    ++reading.sessions_by_version[label];
  }
  reading.messages_received = messages_received_;
  reading.messages_rate_limited = messages_rate_limited_;
  reading.login_failures = login_failures_;
  return reading;
}

}  // namespace plenum::server::control
