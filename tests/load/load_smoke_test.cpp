// load.smoke: the real plenum-load binary against a real plenum-server (6 clients, 2 of them
// speaking real Opus for a few seconds); every packet must arrive over UDP, matched to its send,
// none lost, none tunnelled, each listener hearing both speakers. The mix case: a server whose
// [plenary] mode is mix sends each listener one stream, which holds the speakers' tones, the
// marked onsets and at most 24 kbit/s.
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
// `from`: start searching at the first occurrence of this text (a section of the report).
std::optional<double> json_number(const std::string& json, const std::string& key,
                                  const std::string& from = "") {
  // No std::regex: GCC 12 warns falsely inside <regex> at -O1 with sanitizers.
  const std::string needle = "\"" + key + "\": ";
  const auto start = from.empty() ? 0 : json.find(from);
  if (start == std::string::npos) {
    return std::nullopt;
  }
  const auto at = json.find(needle, start);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  try {
    return std::stod(json.substr(at + needle.size()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
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

    const std::string json = read_file(json_file);
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
    // Real Opus, every packet matched to its send by session and frame number.
    CHECK(json_number(json, "unmatched_voice") == 0);
    CHECK(json_number(json, "foreign_voice") == 0);
    CHECK(json_number(json, "mix_packets") == 0);
    const std::string all = "\"all\": {";
    CHECK(json_number(json, "listeners", all) == 4);
    CHECK(json_number(json, "streams_max", all) == 2);
    CHECK(json_number(json, "streams_mean", all) == 2);
    // 2 speakers' 24 kbit/s Opus plus headers and OCB2: well above 24, below 100 kbit/s.
    CHECK(json_number(json, "down_kbit_s_mean", all).value_or(0) > 30);
    CHECK(json_number(json, "down_kbit_s_max", all).value_or(1000) < 100);
  }

  // The server's [plenary] mode = mix puts every client in mix (`/mode` by text command is
  // the other way in; --mode-by command).
  TEST_CASE("plenum-load --listener-mode mix: one stream, within the mix rate, tones and onsets") {
    test::TempDir dir("plenum-load-mix-smoke-");
    const auto json_file = dir.path() / "report.json";
    test::ProcessOptions load;
    load.program = PLENUM_LOAD_BINARY;
    // 4 speakers (speaker 0 marks onsets, the last sends noise), 6 listeners, all in mix.
    load.args = {"--spawn", "plenum", "--server-ini", "voice_max_queue_ms=2000",
                 "--clients", "10", "--speakers", "4", "--noise-speakers", "1",
                 "--listener-mode", "mix", "--mode-by", "config", "--decode-listeners", "2",
                 "--warmup", "2", "--duration", "6", "--json", json_file.string()};
    test::ChildProcess generator(load);
    const auto status = generator.wait(test::deadline_in(std::chrono::seconds(90)));
    INFO("plenum-load output:\n" << generator.output());
    REQUIRE(status);
    REQUIRE(status->clean());
    const std::string json = read_file(json_file);
    INFO("report:\n" << json);
    const std::string mix = "\"mix\": {";
    CHECK(json_number(json, "mode_switched") == 0);
    CHECK(json_number(json, "mode_awaited") == 10);  // the speakers hear their N-1 mixes
    CHECK(json_number(json, "mode_confirmed") == 10);
    CHECK(json_number(json, "listeners", mix) == 6);
    CHECK(json_number(json, "streams_max", mix) == 1);  // the virtual user only
    CHECK(json_number(json, "streams_mean", mix) == 1);
    // 16 kbit/s Opus with headers and OCB2 stays under the 24 kbit/s.
    CHECK(json_number(json, "down_kbit_s_mean", mix).value_or(0) > 8);
    CHECK(json_number(json, "down_kbit_s_max", mix).value_or(1000) <= 24);
    CHECK(json_number(json, "mix_frames", mix).value_or(0) > 6 * 250);
    CHECK(json_number(json, "mix_lost_ratio", mix).value_or(1) < 0.05);
    CHECK(json_number(json, "decoded_listeners", mix) == 2);
    CHECK(json_number(json, "decoded_level_dbfs", mix).value_or(-120) > -40);
    CHECK(json_number(json, "onsets_measured", mix).value_or(0) >= 2);
    CHECK(json_number(json, "p99", "\"onset_latency_us\"").value_or(1e9) < 1e6);
    // Speaker 0 (onset bursts, the loudest) is in the mix; the noise speaker has no tone.
    const auto tones_at = json.find("\"tones_present_speakers\": [");
    REQUIRE(tones_at != std::string::npos);
    const std::string tones = json.substr(tones_at, json.find(']', tones_at) - tones_at);
    CHECK(tones.find("[0") != std::string::npos);
    CHECK(tones.find('3') == std::string::npos);
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
