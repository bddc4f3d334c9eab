#include "server/state/text_limits.hpp"

#include "server/state/name_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace plenum::server::state {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return equal_ignoring_case(a, b);
}

// Offset just past the '>' closing the tag that starts at `open`; npos if it never closes.
std::size_t tag_end(std::string_view text, std::size_t open) noexcept {
  char quote = 0;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string_view tag_name(std::string_view tag) noexcept {
  std::size_t begin = 1;
  if (begin < tag.size() && tag[begin] == '/') ++begin;
  std::size_t end = begin;
  while (end < tag.size() && !is_space(tag[end]) && tag[end] != '>' && tag[end] != '/') ++end;
  return tag.substr(begin, end - begin);
}

// An <img ...> tag without its src attribute, so the image data does not count as text.
std::string without_src(std::string_view tag) {
  const std::size_t name_end = 1 + tag_name(tag).size();
  std::string out{tag.substr(0, name_end)};
  std::size_t i = name_end;
  const auto skip_space = [&tag](std::size_t k) {
    while (k < tag.size() && is_space(tag[k])) ++k;
    return k;
  };
  while (i < tag.size()) {
    const std::size_t start = i;
    i = skip_space(i);
    const std::size_t name_begin = i;
    while (i < tag.size() && !is_space(tag[i]) && tag[i] != '=' && tag[i] != '>' && tag[i] != '/') {
      ++i;
    }
    const std::string_view name = tag.substr(name_begin, i - name_begin);
    if (name.empty()) {  // '/', '>' or a stray '=': keep it
      if (i < tag.size()) ++i;
      out += tag.substr(start, i - start);
      continue;
    }
    if (std::size_t j = skip_space(i); j < tag.size() && tag[j] == '=') {
      j = skip_space(j + 1);
      if (j < tag.size() && (tag[j] == '"' || tag[j] == '\'')) {
        const std::size_t close = tag.find(tag[j], j + 1);
        j = close == std::string_view::npos ? tag.size() : close + 1;
      } else {
        while (j < tag.size() && !is_space(tag[j]) && tag[j] != '>') ++j;
      }
      i = j;
    }
    if (!iequals(name, "src")) out += tag.substr(start, i - start);
  }
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The longest entity we decode, "&#x10FFFF;", with room to spare: the ';' is looked for only
// this far, so a text of a million '&' costs a million short scans, not a million scans to its
// end (which froze the control thread for seconds; issue 12, defect 4).
constexpr std::size_t kMaxEntityLength = 11;

// Decodes the entity at text[0] == '&'; returns the bytes consumed (0: not an entity).
std::size_t decode_entity(std::string_view text, std::string& out) {
  const std::size_t semicolon = text.substr(0, kMaxEntityLength).find(';');
  if (semicolon == std::string_view::npos) return 0;
  const std::string_view name = text.substr(1, semicolon - 1);
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out += c;
      return semicolon + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  std::uint32_t cp = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp,
                                         hex ? 16 : 10);
  if (ec != std::errc{} || end != digits.data() + digits.size() || cp == 0 || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  append_utf8(out, cp);
  return semicolon + 1;
}

std::string simplified(std::string_view text) {
  std::string out;
  bool gap = false;
  for (const char c : text) {
    if (is_space(c)) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

std::string escape_tags(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::size_t> utf16_length(std::string_view utf8) noexcept {
  std::size_t units = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      cp = lead & 0x1FU;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      cp = lead & 0x0FU;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      cp = lead & 0x07U;
    } else {
      return std::nullopt;
    }
    if (i + extra >= utf8.size()) return std::nullopt;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (next & 0x3FU);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    units += cp >= 0x10000 ? 2 : 1;
    i += extra + 1;
  }
  return units;
}

std::string html_to_plain_text(std::string_view html) {
  if (html.find('<') == std::string_view::npos) return simplified(html);
  std::string text;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      const std::size_t end = tag_end(html, i);
      if (end == std::string_view::npos) break;  // an unterminated tag: drop the rest
      const std::string_view tag = html.substr(i, end - i);
      const std::string_view name = tag_name(tag);
      const bool closing = tag.size() > 1 && tag[1] == '/';
      if (iequals(name, "br") || (closing && iequals(name, "p"))) text += '\n';
      i = end;
    } else if (html[i] == '&') {
      const std::size_t used = decode_entity(html.substr(i), text);
      if (used == 0) text += '&';
      i += used == 0 ? 1 : used;
    } else {
      text += html[i++];
    }
  }
  return escape_tags(simplified(text));
}

TextCheck check_text(std::string_view text, const TextLimits& limits) {
  TextCheck result;
  if (!limits.allow_html) {
    std::string plain = html_to_plain_text(text);
    const auto length = utf16_length(plain);
    result.allowed = length && (limits.message_length == 0 || *length <= limits.message_length);
    if (plain != text) result.replacement = std::move(plain);
    return result;
  }
  const auto length = utf16_length(text);
  if (!length) return result;
  if (limits.image_message_length != 0 && *length > limits.image_message_length) return result;
  if (limits.message_length == 0 || *length <= limits.message_length) {
    result.allowed = true;
    return result;
  }
  if (text.find('<') == std::string_view::npos) return result;
  std::string stripped;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '<') {
      stripped += text[i++];
      continue;
    }
    const std::size_t end = tag_end(text, i);
    if (end == std::string_view::npos) return result;
    const std::string_view tag = text.substr(i, end - i);
    stripped += iequals(tag_name(tag), "img") ? without_src(tag) : std::string{tag};
    i = end;
  }
  const auto stripped_length = utf16_length(stripped);
  result.allowed = stripped_length && *stripped_length <= limits.message_length;
  return result;
}

}  // namespace plenum::server::state
