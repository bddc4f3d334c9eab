// Text commands and context actions (DESIGN.md §4): one registry of every `/command` with who may
// use it and its handler, and the menu entries (ContextActionModify) that run the same handlers.
// Handlers live in handle_command_<topic>.cpp; the parsing and rules they use in server/state.
// Everything here runs on the control-plane thread.
#pragma once

#include "server/state/ids.hpp"
#include "server/state/plenary_rules.hpp"

#include "Mumble.pb.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::control {

class ControlPlane;
class Session;

// ContextActionModify.context bits (MUMBLE_PROTOCOL.md §2.17).
inline constexpr std::uint32_t kServerContext = 0x1, kChannelContext = 0x2, kUserContext = 0x4;

// One command being run: typed, or chosen from a menu.
struct CommandCall {
  ControlPlane& plane;
  Session& session;
  state::ChannelId channel;               // the sender's channel, or the menu's channel
  std::optional<state::SessionId> target;  // a user menu entry: the user clicked on
  std::vector<std::string> args;
};

using CommandHandler = void (*)(CommandCall& call);

// A menu entry: its action id (e.g. "plenum.mode.mix"), its label, where it shows, and the
// arguments it passes to the command's handler.
struct MenuEntry {
  std::string_view action;
  std::string_view text;
  std::uint32_t context = kServerContext;
  std::vector<std::string> args;
};

struct Command {
  std::string_view name;     // without the '/'
  std::string_view usage;    // e.g. "/mode [all|topk|mix]"
  std::string_view summary;  // one line for /help
  // The least role that may use it in the channel; handlers check finer rules themselves (e.g.
  // `/channel` shows settings to everyone, changes need Write).
  state::PlenaryRole role = state::PlenaryRole::Member;
  CommandHandler handler = nullptr;
  std::vector<MenuEntry> menu;
};

class CommandRegistry {
 public:
  void add(Command command);
  const Command* find(std::string_view name) const noexcept;
  // The command and entry of a menu action id; null when unknown.
  std::pair<const Command*, const MenuEntry*> find_action(std::string_view action) const noexcept;
  const std::vector<Command>& commands() const noexcept { return commands_; }

 private:
  std::vector<Command> commands_;
};

// Every command the server knows, built once.
const CommandRegistry& command_registry();

// Each topic file adds its commands (handle_command_<topic>.cpp).
void add_help_commands(CommandRegistry& registry);
void add_mode_commands(CommandRegistry& registry);
void add_channel_commands(CommandRegistry& registry);
void add_floor_commands(CommandRegistry& registry);
void add_poll_commands(CommandRegistry& registry);
void add_breakout_commands(CommandRegistry& registry);

// The vote entries a poll adds to its channel's menus: this prefix and the option's number.
inline constexpr std::string_view kVoteActionPrefix = "plenum.vote.";

// A TextMessage to the server or a channel whose text is a command: parse, check the role, run.
// The answer goes to the sender only; the text is never forwarded as chat.
void run_command(ControlPlane& plane, Session& session, std::string_view text);
// ContextAction from a client: the same handler as the typed command.
void run_context_action(ControlPlane& plane, Session& session, const MumbleProto::ContextAction& action);
// After ServerSync: every menu entry, so stock clients show them.
void send_context_menu(Session& session);

// A one-line (or `<br>`-separated) answer from the server to the sender only (actor unset).
void reply(Session& session, std::string_view html);
// True (and the sender told) when `role` is missing in `channel`: PermissionDenied for the
// permission it stands for.
bool refuse_without(const CommandCall& call, state::PlenaryRole role);

}  // namespace plenum::server::control
