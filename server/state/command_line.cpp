#include "server/state/command_line.hpp"

#include "server/state/text_limits.hpp"

namespace plenum::server::state {

namespace {

bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_name_char(char c) noexcept {
  return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Whitespace between arguments: ASCII blanks and U+00A0, which `&nbsp;` decodes to.
std::size_t space_at(std::string_view text, std::size_t i) noexcept {
  const char c = text[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') return 2;
  return 0;
}

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, from.size()) == from) {
      out += to;
      i += from.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

CommandParse failure(std::string error) { return CommandParse{std::nullopt, std::move(error)}; }

}  // namespace

std::optional<std::string> command_text(std::string_view message) {
  // Cheap test first: most chat is not a command, and markup cannot start with '/'.
  std::size_t first = 0;
  while (first < message.size() && (message[first] == ' ' || message[first] == '\n')) ++first;
  if (first == message.size() || (message[first] != '/' && message[first] != '<')) return std::nullopt;
  // `&nbsp;` is no XML entity, so the markup reduction keeps it; a space is what was typed.
  std::string text = markup_to_text(replaced(message, "&nbsp;", " "));
  if (text.size() < 2 || text[0] != '/' || !is_ascii_letter(text[1])) return std::nullopt;
  return text;
}

CommandParse parse_command(std::string_view text) {
  if (text.size() > kMaxCommandBytes) return failure("That command is too long.");
  if (text.empty() || text[0] != '/') return failure("A command starts with '/'.");
  std::size_t i = 1;
  CommandLine line;
  while (i < text.size() && is_name_char(text[i])) line.name += lower(text[i++]);
  if (line.name.empty() || (i < text.size() && space_at(text, i) == 0)) {
    return failure("Not a command name: use letters and digits after '/'.");
  }
  while (i < text.size()) {
    if (const std::size_t gap = space_at(text, i); gap != 0) {
      i += gap;
      continue;
    }
    if (line.args.size() == kMaxCommandArgs) return failure("Too many arguments.");
    std::string& arg = line.args.emplace_back();
    if (text[i] != '"') {
      while (i < text.size() && space_at(text, i) == 0) arg += text[i++];
      continue;
    }
    ++i;  // the opening quote
    bool closed = false;
    while (i < text.size()) {
      const char c = text[i++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\' && i < text.size() && (text[i] == '"' || text[i] == '\\')) {
        arg += text[i++];
      } else {
        arg += c;
      }
    }
    if (!closed) return failure("A quoted argument is not closed: add the missing '\"'.");
    if (i < text.size() && space_at(text, i) == 0) {
      return failure("Put a space after a quoted argument.");
    }
  }
  return CommandParse{std::move(line), {}};
}

}  // namespace plenum::server::state
