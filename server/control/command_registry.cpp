// The command registry and the paths into it: typed text and menu actions. Nothing about a
// command's arguments is logged: they may be a vote (DESIGN.md §5).
#include "protocol/html_escape.hpp"
#include "server/control/command_registry.hpp"

#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

namespace plenum::server::control {

void CommandRegistry::add(Command command) { commands_.push_back(std::move(command)); }

const Command* CommandRegistry::find(std::string_view name) const noexcept {
  for (const auto& command : commands_) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

std::pair<const Command*, const MenuEntry*> CommandRegistry::find_action(std::string_view action) const noexcept {
  for (const auto& command : commands_) {
    for (const auto& entry : command.menu) {
      if (entry.action == action) return {&command, &entry};
    }
  }
  return {nullptr, nullptr};
}

const CommandRegistry& command_registry() {
  static const CommandRegistry registry = [] {
    CommandRegistry built;
    add_help_commands(built);
    add_mode_commands(built);
    add_channel_commands(built);
    add_floor_commands(built);
    add_poll_commands(built);
    add_breakout_commands(built);
    return built;
  }();
  return registry;
}

void reply(Session& session, std::string_view html) {
  MumbleProto::TextMessage message;
  message.add_session(session.id());
  message.set_message(std::string{html});
  session.send(message);
}

bool refuse_without(const CommandCall& call, state::PlenaryRole role) {
  if (state::has_role(call.plane.state(), call.session.id(), call.channel, role)) return false;
  const auto permission = role == state::PlenaryRole::Admin ? state::Permission::Write : state::Permission::MuteDeafen;
  send_missing(call.session, permission, call.channel);
  const auto* channel = call.plane.state().channels().find(call.channel);
  reply(call.session, fmt::format("Only {}s may do that here ({} permission in {}).", state::to_string(role),
                                  role == state::PlenaryRole::Admin ? "Write" : "MuteDeafen",
                                  protocol::html_escape(channel ? channel->name : std::string{"this channel"})));
  return true;
}

namespace {

void execute(const Command& command, CommandCall& call) {
  if (refuse_without(call, command.role)) return;
  command.handler(call);
}

}  // namespace

void run_command(ControlPlane& plane, Session& session, std::string_view text) {
  const auto* user = plane.state().users().find(session.id());
  if (!user) return;
  auto parsed = state::parse_command(text);
  if (!parsed.line) {
    reply(session, protocol::html_escape(parsed.error));
    return;
  }
  const Command* command = command_registry().find(parsed.line->name);
  if (!command) {
    reply(session, fmt::format("Unknown command /{}. /help lists the commands you may use.",
                               protocol::html_escape(parsed.line->name)));
    return;
  }
  CommandCall call{plane, session, user->channel, std::nullopt, std::move(parsed.line->args)};
  execute(*command, call);
}

void run_context_action(ControlPlane& plane, Session& session, const MumbleProto::ContextAction& action) {
  const auto* user = plane.state().users().find(session.id());
  if (!user) return;
  if (action.action().starts_with(kVoteActionPrefix)) {
    const Command* vote = command_registry().find("vote");
    CommandCall call{plane, session, user->channel, std::nullopt,
                     {action.action().substr(kVoteActionPrefix.size())}};
    execute(*vote, call);
    return;
  }
  const auto [command, entry] = command_registry().find_action(action.action());
  if (!command) {
    reply(session, "That menu entry is not known to this server.");
    return;
  }
  CommandCall call{plane, session, user->channel, std::nullopt, entry->args};
  // Mumble's client names the channel and user the menu was opened on; only entries shown there
  // take them.
  if ((entry->context & kChannelContext) != 0 && action.has_channel_id()) {
    if (!plane.state().channels().find(action.channel_id())) {
      reply(session, "That channel is gone.");
      return;
    }
    call.channel = action.channel_id();
  }
  if ((entry->context & kUserContext) != 0 && action.has_session()) {
    if (!plane.state().users().find(action.session())) {
      reply(session, "That user has left.");
      return;
    }
    call.target = action.session();
  }
  execute(*command, call);
}

void send_context_menu(Session& session) {
  for (const auto& command : command_registry().commands()) {
    for (const auto& entry : command.menu) {
      MumbleProto::ContextActionModify message;
      message.set_action(std::string{entry.action});
      message.set_text(std::string{entry.text});
      message.set_context(entry.context);
      message.set_operation(MumbleProto::ContextActionModify::Add);
      session.send(message);
    }
  }
}

}  // namespace plenum::server::control
