// `/channel [KEY VALUE]`: a channel's plenary settings (DESIGN.md §4). Anyone may read them;
// changing them needs Write in the channel. A change is stored (permanent channels only) and
// reaches the voice plane in the next routing snapshot.
#include "protocol/html_escape.hpp"
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/floor_control.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

namespace plenum::server::control {

namespace {

void show(CommandCall& call, const state::Channel& channel) {
  std::string text = fmt::format("Settings of {}:", protocol::html_escape(channel.name));
  for (const auto key : state::setting_keys()) {
    text += "<br>" + protocol::html_escape(state::describe_setting(channel.plenary, call.plane.config().plenary, key));
  }
  reply(call.session, text);
}

void channel_settings(CommandCall& call) {
  const auto* channel = call.plane.state().channels().find(call.channel);
  if (call.args.empty()) {
    show(call, *channel);
    return;
  }
  if (call.args.size() != 2) {
    reply(call.session, "Usage: /channel KEY VALUE, or /channel alone to see the settings.");
    return;
  }
  if (refuse_without(call, state::PlenaryRole::Admin)) return;
  const auto change = state::change_setting(channel->plenary, call.args[0], call.args[1]);
  if (!change.settings) {
    reply(call.session, protocol::html_escape(change.error));
    return;
  }
  const bool changed = *change.settings != channel->plenary;
  if (changed) {
    (void)call.plane.state().channels().set_plenary(call.channel, *change.settings);
    call.plane.persistence().save_plenary(*call.plane.state().channels().find(call.channel));
    call.plane.publish_routing();
  }
  const std::string line = protocol::html_escape(fmt::format(
      "{}: {}", channel->name, state::describe_setting(channel->plenary, call.plane.config().plenary, call.args[0])));
  reply(call.session, line);
  // Floor settings change who may speak and what the floor shows.
  const auto& key = call.args[0];
  if (changed && (key == "moderated" || key == "queue" || key == "time")) floor_changed(call.plane, call.channel, line);
}

}  // namespace

void add_channel_commands(CommandRegistry& registry) {
  registry.add(Command{"channel",
                       "/channel [mode|topk|bitrate|gate|transmit|moderated|queue|time VALUE]",
                       "this channel's plenary settings; changing them needs Write",
                       state::PlenaryRole::Member,
                       channel_settings,
                       {MenuEntry{"plenum.channel.show", "Plenum: channel settings", kChannelContext, {}}}});
}

}  // namespace plenum::server::control
