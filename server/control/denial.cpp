#include "server/control/denial.hpp"

#include "server/control/session.hpp"

namespace plenum::server::control {

MumbleProto::PermissionDenied permission_denied(const state::Denial& denial, std::string reason) {
  MumbleProto::PermissionDenied message;
  message.set_type(static_cast<MumbleProto::PermissionDenied::DenyType>(denial.type));
  if (denial.type == state::DenyType::Permission) message.set_permission(denial.permission.bits());
  if (denial.channel) message.set_channel_id(*denial.channel);
  if (denial.session) message.set_session(*denial.session);
  if (!reason.empty()) message.set_reason(std::move(reason));
  return message;
}

void send_denial(Session& session, const state::Denial& denial, std::string reason) {
  session.send(permission_denied(denial, std::move(reason)));
}

void send_missing(Session& session, state::Permissions permission, state::ChannelId channel) {
  send_denial(session, state::Denial{state::DenyType::Permission, permission, channel, session.id()});
}

}  // namespace plenum::server::control
