#include "server/web/static_files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace plenum::server::web;

namespace {

std::string read_source(const std::string& path) {
  std::ifstream in{std::string{PLENUM_SOURCE_DIR} + "/client-web" + path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_SUITE("web") {
  TEST_CASE("the binary embeds client-web/ byte for byte, / is index.html, queries are ignored") {
    REQUIRE(embedded_files().size() > 5);
    for (const auto& file : embedded_files()) {
      CAPTURE(file.path);
      CHECK(file.bytes == read_source(std::string{file.path}));
    }
    const EmbeddedFile* index = find_file("/?name=Ada");
    REQUIRE(index != nullptr);
    CHECK(index->path == "/index.html");
    CHECK(find_file("/app.js#x") != nullptr);
    CHECK(find_file("/nope.js") == nullptr);
    CHECK(find_file("/../CMakeLists.txt") == nullptr);
  }

  TEST_CASE("content types by extension, and the policy loads nothing from another host") {
    CHECK(content_type("/app.js") == "text/javascript; charset=utf-8");
    CHECK(content_type("/index.html") == "text/html; charset=utf-8");
    CHECK(content_type("/x.bin") == "application/octet-stream");
    const std::string_view csp = kContentSecurityPolicy;
    CHECK(csp.find("default-src 'none'") != std::string_view::npos);
    CHECK(csp.find("unsafe") == std::string_view::npos);
    CHECK(csp.find("http") == std::string_view::npos);
  }
}
