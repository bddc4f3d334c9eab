// load.smoke: the real plenum-load binary against a real plenum-server (6 clients, 2 of them
// speaking for a few seconds); every probe must arrive over UDP, none lost, none tunnelled.
// And --spawn's servers: the pid read for CPU and RSS is the server's own.
#include "tests/load/spawned_server.hpp"
#include "tests/support/plenum_process.hpp"
#include "tests/support/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace plenum::load {
namespace {

// The number after `"key": ` in plenum-load's flat JSON.
std::optional<double> json_number(const std::string& json, const std::string& key) {
  // No std::regex: GCC 12 warns falsely inside <regex> at -O1 with sanitizers.
  const std::string needle = "\"" + key + "\": ";
  const auto at = json.find(needle);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  try {
    return std::stod(json.substr(at + needle.size()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

TEST_SUITE("load.smoke") {
  TEST_CASE("plenum-load against plenum-server: deliveries, no loss, nothing tunnelled") {
    test::PlenumOptions server_options;
    server_options.ephemeral_port = true;
    // lost == 0 is checked: a sanitized server descheduled > 80 ms on a loaded CI machine must
    // not drop a packet as too late.
    server_options.settings.extra_ini.emplace_back("voice_max_queue_ms", "2000");
    test::PlenumProcess server(server_options);
    server.start();

    test::TempDir dir("plenum-load-smoke-");
    const auto json_file = dir.path() / "report.json";
    test::ProcessOptions load;
    load.program = PLENUM_LOAD_BINARY;
    load.args = {"--server", "127.0.0.1:" + std::to_string(server.port()),
                 "--server-pid", std::to_string(server.process()->pid()),
                 "--clients", "6", "--speakers", "2", "--warmup", "1", "--duration", "3",
                 "--json", json_file.string()};
    test::ChildProcess generator(load);
    const auto status = generator.wait(test::deadline_in(std::chrono::seconds(60)));
    INFO("plenum-load output:\n" << generator.output());
    REQUIRE(status);
    REQUIRE(status->clean());

    std::ifstream file(json_file);
    std::stringstream text;
    text << file.rdbuf();
    const std::string json = text.str();
    INFO("report:\n" << json);
    CHECK(json_number(json, "connected") == 6);
    CHECK(json_number(json, "connect_failures") == 0);
    CHECK(json_number(json, "deliveries").value_or(0) > 0);
    CHECK(json_number(json, "expected").value_or(0) > 0);
    CHECK(json_number(json, "lost") == 0);
    CHECK(json_number(json, "tunnel_deliveries") == 0);
    CHECK(json_number(json, "decrypt_failures") == 0);
    CHECK(json_number(json, "server_cpu_s").value_or(-1) >= 0);
    CHECK(json_number(json, "rss_kib_after").value_or(0) > 0);
    // 2 speakers × 50 packets/s × 3 s × 5 listeners, give or take the window's edges.
    CHECK(json_number(json, "deliveries").value_or(0) > 1000);
  }

  TEST_CASE("--spawn plenum|murmur: the pid is the server binary's own process") {
    for (const std::string server : {"plenum", "murmur"}) {
      LoadOptions options;
      options.spawn = server;
      SpawnedServer spawned(options);
      const std::filesystem::path binary = server == "plenum"
                                               ? test::default_plenum_server_binary()
                                               : std::filesystem::path(options.murmur_binary);
      INFO(server);
      REQUIRE(spawned.pid() > 0);
      const auto exe = "/proc/" + std::to_string(spawned.pid()) + "/exe";
      CHECK(std::filesystem::read_symlink(exe) == std::filesystem::canonical(binary));
      spawned.stop("");
    }
  }
}

}  // namespace plenum::load
