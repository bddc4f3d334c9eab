// Fuzzes the text filter that every TextMessage, comment and channel description passes
// (server/state/text_limits.cpp): Murmur's length rules with and without HTML, and the
// markup-to-plain-text reduction of allowhtml=false. The first byte picks the limits. Any input
// must be judged without a crash and in time linear in its size (libFuzzer's -timeout catches a
// quadratic path: issue 12, defect 4); plain text is markup-free and a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/state/text_limits.hpp"

using namespace plenum::server::state;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text{reinterpret_cast<const char*>(data + 1), size - 1};
  TextLimits limits;
  limits.message_length = (selector & 0x3U) == 0 ? 0 : 16U << (selector & 0x3U);
  limits.image_message_length = (selector & 0xCU) == 0 ? 0 : 64U << ((selector >> 2) & 0x3U);
  limits.allow_html = (selector & 0x10U) != 0;

  const TextCheck check = check_text(text, limits);
  if (check.replacement && limits.allow_html) std::abort();  // only the filter replaces
  if (check.allowed) {
    const std::string_view forwarded = check.replacement ? *check.replacement : text;
    const auto length = utf16_length(forwarded);
    if (!length) std::abort();  // never forward invalid UTF-8
    if (!limits.allow_html && limits.message_length != 0 && *length > limits.message_length) std::abort();
  }

  const std::string plain = html_to_plain_text(text);
  // Markup comes out escaped; text without '<' is not markup and keeps a bare '>' (Murmur's rule).
  if (text.find('<') != std::string_view::npos && plain.find_first_of("<>") != std::string::npos)
    std::abort();
  if (html_to_plain_text(plain) != plain) std::abort();
  if (!plain.empty() && (plain.front() == ' ' || plain.back() == ' ')) std::abort();
  if (plain.find("  ") != std::string::npos) std::abort();
  return 0;
}
