// Murmur's length rule for text messages, comments and channel descriptions (ini keys
// textmessagelength, imagemessagelength, allowhtml; Server::isTextAllowed). Pure functions,
// called on the control-plane thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plenum::server::state {

struct TextLimits {
  std::uint32_t message_length = 5000;         // textmessagelength; 0 = unlimited
  std::uint32_t image_message_length = 131072;  // imagemessagelength; 0 = unlimited
  bool allow_html = true;                       // allowhtml
};

struct TextCheck {
  bool allowed = false;  // false: PermissionDenied TextTooLong
  // Set when the text must be forwarded changed: with allowhtml=false markup is reduced to
  // plain text (Murmur's HTMLFilter), and that is what the receivers get.
  std::optional<std::string> replacement;
};

// Lengths count UTF-16 code units, Murmur's QString::length(). With HTML allowed: longer than
// imagemessagelength fails; up to textmessagelength passes; in between only text with markup
// passes, and only if it fits textmessagelength once the `src` of every <img> is left out
// (embedded images count against the image limit alone). Unterminated markup or invalid UTF-8
// fails.
TextCheck check_text(std::string_view text, const TextLimits& limits);

// Markup reduced to plain text as Murmur's HTMLFilter does: tags dropped, entities decoded,
// <br> and </p> become spaces, whitespace runs collapsed, then < and > escaped again. Text
// without '<' only has its whitespace collapsed.
std::string html_to_plain_text(std::string_view html);

// The same reduction for any text, markup or not, without escaping < and > again: what a person
// typed, for reading commands out of chat (command_line.hpp).
std::string markup_to_text(std::string_view html);

// UTF-16 code units of a UTF-8 string; empty for invalid UTF-8.
std::optional<std::size_t> utf16_length(std::string_view utf8) noexcept;

}  // namespace plenum::server::state
