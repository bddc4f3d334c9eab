#include "client-cli/tui/input_line.hpp"

#include <doctest/doctest.h>

namespace plenum::client {
namespace {

void type(InputLine& line, const std::string& text) {
  for (const char c : text) {
    line.type(c);
  }
}

TEST_SUITE("client-cli") {
  TEST_CASE("input line: typing, UTF-8 backspace, control bytes ignored, take empties it") {
    InputLine line;
    type(line, "h\x01i \xC3\xA9");  // "hi é" with a stray control byte
    CHECK(line.text() == "hi \xC3\xA9");
    line.backspace();                 // removes both bytes of é
    CHECK(line.text() == "hi ");
    CHECK(line.take() == "hi ");
    CHECK(line.empty());
    line.backspace();
    CHECK(line.empty());
  }

  TEST_CASE("input line tail fits a narrow field by characters") {
    InputLine line;
    type(line, "ab\xC3\xA9xy");  // 5 characters, 6 bytes
    CHECK(line.tail(3) == "\xC3\xA9xy");
    CHECK(line.tail(10) == "ab\xC3\xA9xy");
    CHECK(line.tail(0).empty());
  }
}

}  // namespace
}  // namespace plenum::client
