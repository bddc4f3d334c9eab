// `/mode [all|topk|mix|default]`: the sender's own listener mode (DESIGN.md §4), which the
// routing snapshot reads from ConnectedUser::listener_mode.
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/voice/engine_routes.hpp"

#include <fmt/core.h>

namespace plenum::server::control {

namespace {

void mode(CommandCall& call) {
  auto* user = call.plane.state().users().find(call.session.id());
  const auto* channel = call.plane.state().channels().find(user->channel);
  const auto& defaults = call.plane.config().plenary;
  const auto channel_mode = voice::channel_mode(*channel, defaults);
  if (call.args.size() > 1) {
    reply(call.session, "Usage: /mode [all|topk|mix|default]");
    return;
  }
  if (!call.args.empty()) {
    const std::string& value = call.args[0];
    if (value == "default") {
      user->listener_mode = std::nullopt;
    } else if (const auto chosen = config::parse_listener_mode(value)) {
      user->listener_mode = *chosen;
    } else {
      reply(call.session, "Usage: /mode [all|topk|mix|default]");
      return;
    }
    call.plane.publish_routing();
  }
  const auto effective = voice::listener_mode(call.plane.state(), *user, defaults);
  reply(call.session, fmt::format("Listening mode: {}{}. This channel's default: {}.", config::to_string(effective),
                                  user->listener_mode ? " (your choice)" : " (the channel's)",
                                  config::to_string(channel_mode)));
}

}  // namespace

void add_mode_commands(CommandRegistry& registry) {
  registry.add(Command{"mode",
                       "/mode [all|topk|mix|default]",
                       "how you hear this channel: every speaker, the loudest few, or one mixed stream",
                       state::PlenaryRole::Member,
                       mode,
                       {
                           MenuEntry{"plenum.mode.all", "Listen: every speaker", kServerContext, {"all"}},
                           MenuEntry{"plenum.mode.topk", "Listen: loudest speakers", kServerContext, {"topk"}},
                           MenuEntry{"plenum.mode.mix", "Listen: one mixed stream", kServerContext, {"mix"}},
                           MenuEntry{"plenum.mode.default", "Listen: channel default", kServerContext, {"default"}},
                       }});
}

}  // namespace plenum::server::control
