// Version exchange (MUMBLE_PROTOCOL.md §2.1, §3.3 step 1-2).
#include "server/control/control_plane.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/server_identity.hpp"

namespace plenum::server::control {

namespace {

// Murmur's limits on the strings a client describes itself with.
std::string bounded(const std::string& text, std::size_t limit) {
  return text.size() > limit ? std::string{"[[Invalid]]"} : text;
}

}  // namespace

void send_server_version(ControlPlane& plane, Session& session) {
  MumbleProto::Version message;
  protocol::set_version(message, kServerProtocolVersion);
  if (plane.config().network.send_version) {
    message.set_release(std::string{kServerRelease});
    message.set_os("Linux");
    message.set_os_version(server_os_version());
  }
  session.send(message);
}

void handle_version(ControlPlane& plane, Session& session, const MumbleProto::Version& message) {
  // A client announces itself once. Some send Authenticate first; Murmur takes their Version
  // whenever it comes (it reads uiVersion per packet), so the first one counts even after
  // login, and the UDP format follows it. Later ones cannot change what was chosen.
  if (session.version_received) return;
  session.version_received = true;
  session.client_version = protocol::version_of(message);
  session.client_release = bounded(message.release(), 100);
  session.client_os = bounded(message.os(), 40);
  if (session.authenticated()) plane.on_late_version(session);
}

}  // namespace plenum::server::control
