#include "server/web/origin_policy.hpp"

#include <doctest/doctest.h>

using plenum::server::web::origin_allowed;

TEST_SUITE("web") {
  TEST_CASE("the WebSocket accepts its own origin, configured ones and non-browser clients only") {
    const std::vector<std::string> none;
    const std::vector<std::string> listed{"https://meet.example.org"};
    CHECK(origin_allowed("https://plenum.example.org:64738", "plenum.example.org:64738", none));
    CHECK(origin_allowed("HTTPS://Plenum.Example.org:64738", "plenum.example.org:64738", none));
    CHECK(origin_allowed("", "plenum.example.org:64738", none));  // no Origin: not a page
    // Another site's page, or our host over plain http or on another port: refused.
    CHECK_FALSE(origin_allowed("https://evil.example", "plenum.example.org:64738", none));
    CHECK_FALSE(origin_allowed("http://plenum.example.org:64738", "plenum.example.org:64738", none));
    CHECK_FALSE(origin_allowed("https://plenum.example.org", "plenum.example.org:64738", none));
    CHECK_FALSE(origin_allowed("null", "plenum.example.org:64738", none));
    CHECK(origin_allowed("https://meet.example.org", "plenum.example.org:64738", listed));
    CHECK_FALSE(origin_allowed("https://meet.example.org.evil.example", "plenum.example.org:64738", listed));
  }
}
