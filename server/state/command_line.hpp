// Text commands (DESIGN.md §4): a chat message whose text starts with `/`, split into a name and
// arguments with "quoted strings". Pure functions, no state; called on the control-plane thread
// and by the command_line fuzzer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::state {

// Bounds on what one command may hold: the text message length rule already caps the whole, these
// keep a parsed command small whatever the server's textmessagelength says.
inline constexpr std::size_t kMaxCommandBytes = 2000;
inline constexpr std::size_t kMaxCommandArgs = 32;

struct CommandLine {
  std::string name;               // lower-case ASCII, without the '/'
  std::vector<std::string> args;  // quotes removed, escapes resolved

  bool operator==(const CommandLine&) const = default;
};

struct CommandParse {
  std::optional<CommandLine> line;
  std::string error;  // one line for the sender when `line` is empty
};

// The command a chat message carries, or nullopt when it carries none. Stock clients wrap typed
// text in markup (`<p>/mode mix</p>`, `&quot;` for '"', `&nbsp;` for repeated spaces): it is
// reduced to plain text first. A command starts with '/' followed by a letter, so "/ smile" or
// "//" stay chat.
std::optional<std::string> command_text(std::string_view message);

// Splits `/name arg "two words" "say \"hi\""`: whitespace separates arguments, double quotes
// group them, and inside quotes a backslash escapes '"' or '\'. The name is lower-cased and may
// hold only letters, digits, '-' and '_'.
CommandParse parse_command(std::string_view text);

}  // namespace plenum::server::state
