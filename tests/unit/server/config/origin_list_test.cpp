#include "server/config/origin_list.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "server/config/load_config.hpp"
#include "unit/server/store/temp_dir.hpp"

using namespace plenum::server::config;

namespace {

Startup run_with_ini(const std::string& text) {
  plenum::test::TempDir dir;
  const auto file = dir.write("plenum.ini", text);
  std::vector<const char*> argv{"plenum-server", "--config", file.c_str()};
  return load_config(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("web_origins: origins separated by spaces or commas, lower-cased, anything else refused") {
    CHECK(parse_origin_list("")->empty());
    CHECK(*parse_origin_list("https://Meet.Example.org, http://localhost:8080  https://[::1]:443") ==
          std::vector<std::string>{"https://meet.example.org", "http://localhost:8080", "https://[::1]:443"});
    CHECK_FALSE(parse_origin_list("meet.example.org"));          // no scheme
    CHECK_FALSE(parse_origin_list("https://example.org/path"));  // an origin has no path
    CHECK_FALSE(parse_origin_list("ftp://example.org"));
    CHECK_FALSE(parse_origin_list("https://"));
  }

  TEST_CASE("web and web_origins are read from the ini, and web is on by default") {
    CHECK(ServerConfig{}.web.enabled);
    const Startup off = run_with_ini("web = false\nweb_origins = \"https://a.example https://b.example\"\n");
    CHECK_FALSE(off.config.web.enabled);
    CHECK(off.config.web.origins == "https://a.example https://b.example");
    try {
      run_with_ini("web_origins = example.org\n");
      FAIL("a bad origin list was accepted");
    } catch (const ConfigError& error) {
      CHECK(std::string{error.what()}.find("web_origins") != std::string::npos);
    }
  }
}
