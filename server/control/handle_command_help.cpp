// `/help`: the commands the sender may use in its channel, one per line.
#include "protocol/html_escape.hpp"
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

namespace plenum::server::control {

namespace {

void help(CommandCall& call) {
  std::string text = "Commands you may use here:";
  for (const auto& command : command_registry().commands()) {
    if (!state::has_role(call.plane.state(), call.session.id(), call.channel, command.role)) continue;
    text += fmt::format("<br><b>{}</b> — {}", protocol::html_escape(command.usage), protocol::html_escape(command.summary));
  }
  reply(call.session, text);
}

}  // namespace

void add_help_commands(CommandRegistry& registry) {
  registry.add(Command{"help", "/help", "this list", state::PlenaryRole::Member, help,
                       {MenuEntry{"plenum.help", "Plenum: commands", kServerContext, {}}}});
}

}  // namespace plenum::server::control
