// TextMessage (MUMBLE_PROTOCOL.md §2.12, §8.3, §8.4): the rate limit here, the length rule and
// the TextMessage permission per target in state/user_rules, then the same message to every
// recipient. Text commands (`/help`, DESIGN.md §4) are taken out first and never forwarded.
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/state/command_line.hpp"
#include "server/state/user_rules.hpp"

namespace plenum::server::control {

namespace {

// A command goes to the server (no target: plenum-cli), to a channel or tree (stock clients
// send typed text to the current channel), or to the sender itself; a private message to
// someone else is chat, whatever it starts with.
bool addressed_to_server(const Session& session, const MumbleProto::TextMessage& message) {
  for (const auto target : message.session()) {
    if (target != session.id()) return false;
  }
  return true;
}

}  // namespace

void handle_text_message(ControlPlane& plane, Session& session, const MumbleProto::TextMessage& message) {
  if (!session.allow_rate_limited()) return;
  if (addressed_to_server(session, message)) {
    if (auto command = state::command_text(message.message())) {
      run_command(plane, session, *command);
      return;
    }
  }
  state::TextTargets targets;
  targets.sessions.assign(message.session().begin(), message.session().end());
  targets.channels.assign(message.channel_id().begin(), message.channel_id().end());
  targets.trees.assign(message.tree_id().begin(), message.tree_id().end());
  const auto delivery = state::route_text_message(plane.state(), session.id(), message.message(), targets);
  if (delivery.verdict.denied()) {
    send_denial(session, delivery.verdict.denial());
    return;
  }
  if (delivery.recipients.empty()) return;
  MumbleProto::TextMessage forwarded = message;
  forwarded.set_actor(session.id());
  if (delivery.replacement) forwarded.set_message(*delivery.replacement);
  const auto frame = protocol::encode_frame(forwarded);
  for (const auto recipient : delivery.recipients) plane.send_to(recipient, frame);
  plane.logger().debug("session {}: text message to {} users", session.id(), delivery.recipients.size());
}

}  // namespace plenum::server::control
