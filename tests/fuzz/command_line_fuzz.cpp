// Fuzzes the text-command reader: any chat text either carries no command or one that parses
// into a name and arguments within the bounds, or fails with a one-line error. Parsing is
// deterministic, and an escaped reply never holds markup.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/html_escape.hpp"
#include "server/state/command_line.hpp"

using namespace plenum::server::state;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view message{reinterpret_cast<const char*>(data), size};
  const auto text = command_text(message);
  const std::string_view input = text ? std::string_view{*text} : message;
  const auto result = parse_command(input);
  if (result.line) {
    const auto& line = *result.line;
    if (line.name.empty() || line.args.size() > kMaxCommandArgs || input.size() > kMaxCommandBytes) std::abort();
    for (const char c : line.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) std::abort();
    }
    std::size_t bytes = line.name.size();
    for (const auto& arg : line.args) bytes += arg.size();
    if (bytes > input.size()) std::abort();
    if (parse_command(input).line != result.line) std::abort();
  } else if (result.error.empty() || result.error.find('\n') != std::string::npos) {
    std::abort();
  }
  const std::string escaped = plenum::protocol::html_escape(input);
  if (escaped.find_first_of("<>\"") != std::string::npos) std::abort();
  return 0;
}
