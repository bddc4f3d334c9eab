#include "protocol/html_escape.hpp"

#include <doctest/doctest.h>

namespace plenum::protocol {

TEST_SUITE("protocol.html_escape") {
  TEST_CASE("markup characters become entities, everything else stays") {
    CHECK(html_escape("a<b>&\"c\"") == "a&lt;b&gt;&amp;&quot;c&quot;");
    CHECK(html_escape("Zoë 'x'") == "Zoë 'x'");
    CHECK(html_escape("") == "");
    // Escaping is not idempotent on purpose: an entity typed as text shows as typed.
    CHECK(html_escape("&amp;") == "&amp;amp;");
  }
}

}  // namespace plenum::protocol
