#include "server/state/text_limits.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

TEST_SUITE("state") {

TEST_CASE("lengths count UTF-16 units like Murmur's QString") {
  CHECK(utf16_length("abc") == 3U);
  CHECK(utf16_length("\xC3\xA4") == 1U);          // a-umlaut
  CHECK(utf16_length("\xE2\x82\xAC") == 1U);      // euro sign
  CHECK(utf16_length("\xF0\x9F\x98\x80") == 2U);  // an emoji is a surrogate pair
  CHECK_FALSE(utf16_length("\xC3"));               // truncated
  CHECK_FALSE(utf16_length("\xC0\x80"));           // overlong
  CHECK_FALSE(utf16_length("\xED\xA0\x80"));       // a surrogate
}

TEST_CASE("with HTML allowed: text limit, image limit, and <img> data not counted as text") {
  const TextLimits limits{10, 100, true};
  CHECK(check_text("0123456789", limits).allowed);
  CHECK_FALSE(check_text("0123456789X", limits).allowed);  // no markup: over the text limit
  CHECK_FALSE(check_text(std::string(101, 'x'), limits).allowed);  // over the image limit

  const std::string image = "<img src=\"data:image/png;base64," + std::string(40, 'A') + "\"/>";
  CHECK(check_text(image, limits).allowed);  // "<img/>" is 6 units
  CHECK(check_text("ok" + image, limits).allowed);  // "ok<img/>"
  CHECK_FALSE(check_text("<b>0123456789</b>", limits).allowed);  // markup counts as text
  CHECK_FALSE(check_text("<img alt='" + std::string(20, 'x') + "' src='y'>", limits).allowed);
  CHECK_FALSE(check_text("<img src='" + std::string(40, 'x') + "'", limits).allowed);  // open
  CHECK_FALSE(check_text(std::string(101, 'x'), {0, 100, true}).allowed);
  CHECK(check_text(std::string(5000, 'x'), {0, 0, true}).allowed);
  CHECK_FALSE(check_text("\xFF", limits).allowed);
}

TEST_CASE("without HTML: markup becomes plain text, which must fit the text limit") {
  const TextLimits limits{20, 100, false};
  const TextCheck check = check_text("<b>hello</b><br/>  world &amp; <i>you</i>", limits);
  CHECK(check.allowed);
  REQUIRE(check.replacement);
  CHECK(*check.replacement == "hello world & you");
  CHECK_FALSE(check_text("hello world", limits).replacement);
  CHECK(html_to_plain_text("a&lt;b&gt;c") == "a&lt;b&gt;c");  // decoded, then escaped again
  CHECK(html_to_plain_text("<b>x</b> &#65;&#x42; y") == "x AB y");
  CHECK(html_to_plain_text("no markup &amp;  here") == "no markup &amp; here");  // as Murmur
  CHECK(html_to_plain_text("<p>one</p><p>two</p>") == "one two");
  CHECK(html_to_plain_text("  a \n\t b ") == "a b");
  CHECK_FALSE(check_text("<b>" + std::string(21, 'x') + "</b>", limits).allowed);
}

TEST_CASE("without HTML: a frame full of '&' is filtered in one pass") {
  // Issue 12, defect 4: each '&' used to look for a ';' up to the end of the text, so 1.2
  // million of them froze the control thread for 11.7 s; a full 8 MiB frame took hours, which
  // this test would not survive. Entities still decode only when the ';' is near.
  constexpr std::size_t kAmpersands = 8U * 1024 * 1024;
  const std::string html = "<b>" + std::string(kAmpersands, '&') + ";";
  const std::string plain = html_to_plain_text(html);
  CHECK(plain.size() == kAmpersands + 1);
  CHECK(plain.find_first_not_of('&') == kAmpersands);
  CHECK_FALSE(check_text(html, TextLimits{5000, 131072, false}).allowed);
  CHECK(html_to_plain_text("<b>&amp;&#x10FFFF;&#1114111;&#x00000041;") == "&\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBF&#x00000041;");
  CHECK(html_to_plain_text("<b>&#x0000041;") == "A");
}

}  // TEST_SUITE
