#include "client-cli/core/known_servers.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace plenum::client {
namespace {

const std::string kFirst = "0123456789abcdef0123456789abcdef01234567";
const std::string kSecond = "fedcba9876543210fedcba9876543210fedcba98";

// A fresh directory per test case, removed afterwards.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "plenum-known-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

TEST_SUITE("client-cli") {
  TEST_CASE("first use stores the fingerprint, and the same certificate is then accepted") {
    ScratchDir dir;
    const auto file = dir.path / "sub" / "known_servers";
    {
      KnownServers known(file);
      const TrustDecision first = decide_trust(known, "example.org:64738", kFirst, false);
      CHECK(first.accept);
      CHECK(first.first_use);
      CHECK(first.message.find("trusting new server") != std::string::npos);
    }
    REQUIRE(std::filesystem::exists(file));
    KnownServers reloaded(file);
    CHECK(reloaded.fingerprint_of("example.org:64738") == kFirst);
    const TrustDecision again = decide_trust(reloaded, "example.org:64738", kFirst, false);
    CHECK(again.accept);
    CHECK_FALSE(again.first_use);
    CHECK(again.message.empty());
  }

  TEST_CASE("a changed certificate is refused with a clear message and the file is kept") {
    ScratchDir dir;
    const auto file = dir.path / "known_servers";
    KnownServers known(file);
    known.remember("example.org:64738", kFirst);
    const TrustDecision changed = decide_trust(known, "example.org:64738", kSecond, false);
    CHECK_FALSE(changed.accept);
    CHECK(changed.message.find("has changed") != std::string::npos);
    CHECK(changed.message.find("--trust-new-cert") != std::string::npos);
    CHECK(changed.message.find('\n') == std::string::npos);
    CHECK(KnownServers(file).fingerprint_of("example.org:64738") == kFirst);
  }

  TEST_CASE("--trust-new-cert accepts a changed certificate and remembers the new one") {
    ScratchDir dir;
    const auto file = dir.path / "known_servers";
    KnownServers known(file);
    known.remember("example.org:64738", kFirst);
    CHECK(decide_trust(known, "example.org:64738", kSecond, true).accept);
    KnownServers reloaded(file);
    CHECK(reloaded.check("example.org:64738", kSecond) == KnownServers::Verdict::Trusted);
    CHECK(decide_trust(reloaded, "example.org:64738", kSecond, false).accept);
  }

  TEST_CASE("servers are told apart by host and port, case and junk lines do not matter") {
    ScratchDir dir;
    const auto file = dir.path / "known_servers";
    {
      std::ofstream out(file);
      out << "# comment\n\nnot-a-line\nExample.org:64738 " << kFirst << "\nbad:1 xyz\n";
    }
    KnownServers known(file);
    CHECK(known.check("example.org:64738", kFirst) == KnownServers::Verdict::Trusted);
    CHECK(known.check("example.org:64739", kFirst) == KnownServers::Verdict::Unknown);
    CHECK(known.check("bad:1", kFirst) == KnownServers::Verdict::Unknown);
    CHECK(known.check("example.org:64738", kSecond) == KnownServers::Verdict::Changed);
  }

  TEST_CASE("server_key brackets IPv6 literals and lowercases names") {
    CHECK(server_key("Example.ORG", 64738) == "example.org:64738");
    CHECK(server_key("::1", 1234) == "[::1]:1234");
  }
}

}  // namespace
}  // namespace plenum::client
