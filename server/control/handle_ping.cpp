// Ping (MUMBLE_PROTOCOL.md §2.4): echo the timestamp with our decrypt statistics for this
// client, and keep what the client reports for UserStats.
#include "server/control/control_plane.hpp"

#include "protocol/crypt_stats_fields.hpp"
#include "server/control/dispatch.hpp"

namespace plenum::server::control {

void handle_ping(ControlPlane& /*plane*/, Session& session, const MumbleProto::Ping& message) {
  session.client_report.good = message.good();
  session.client_report.late = message.late();
  session.client_report.lost = message.lost();
  session.client_report.resync = message.resync();
  session.udp_ping_avg = message.udp_ping_avg();
  session.udp_ping_var = message.udp_ping_var();
  session.tcp_ping_avg = message.tcp_ping_avg();
  session.tcp_ping_var = message.tcp_ping_var();

  MumbleProto::Ping reply;
  reply.set_timestamp(message.timestamp());
  protocol::set_crypt_stats(reply, session.crypt_stats);
  session.send(reply);
}

}  // namespace plenum::server::control
