#include "protocol/bytes.hpp"

#include <doctest/doctest.h>

using namespace plenum::protocol;

TEST_CASE("as_bytes and as_chars are inverse views over the same storage") {
  const std::string_view text{"plenum"};
  const ByteView bytes = as_bytes(text);
  CHECK(bytes.size() == text.size());
  CHECK(static_cast<char>(bytes[0]) == 'p');
  CHECK(as_chars(bytes) == text);
  CHECK(as_chars(bytes).data() == text.data());
}
