// Unit tests of plenum-load's pieces: histogram, send log, /proc parsers, speaker schedule,
// report arithmetic and JSON, flags; the real-Opus pieces (signals, tone presence, onset
// detection, mix stream gaps, payload-rate accounting) are in load_audio_test.cpp.
#include "tests/load/latency_histogram.hpp"
#include "tests/load/load_options.hpp"
#include "tests/load/load_report.hpp"
#include "tests/load/send_log.hpp"
#include "tests/load/proc_stats.hpp"
#include "tests/load/speaker_schedule.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <array>
#include <set>
#include <stdexcept>
#include <vector>

namespace plenum::load {
namespace {

using namespace std::chrono_literals;

std::optional<LoadOptions> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "plenum-load");
  return parse_load_options(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_SUITE("load") {
  TEST_CASE("LatencyHistogram percentiles are bucket upper edges") {
    LatencyHistogram histogram;
    CHECK(histogram.percentile(0.5) == 0us);
    for (int i = 0; i < 98; ++i) {
      histogram.record(105us);  // bucket [100, 110)
    }
    histogram.record(2ms);
    histogram.record(3s + 500us);  // coarse: 1 ms buckets
    CHECK(histogram.count() == 100);
    CHECK(histogram.percentile(0.5) == 110us);
    CHECK(histogram.percentile(0.98) == 110us);
    CHECK(histogram.percentile(0.99) == 2010us);
    CHECK(histogram.percentile(1.0) == 3001ms);
    CHECK(histogram.max() == 3s + 500us);
    histogram.record(100s);  // overflow reports the maximum
    CHECK(histogram.percentile(1.0) == 100s);
    histogram.record(-5us);
    CHECK(histogram.percentile(0.001) == 10us);
  }

  TEST_CASE("SendLog: sends found by speaker and sequence, sessions, onsets") {
    SendLog log(2);
    log.add_session(41, 1);
    log.add_client_session(7);
    CHECK(log.speaker_of(41) == 1U);
    CHECK_FALSE(log.speaker_of(7));
    CHECK(log.is_ours(7));
    CHECK(log.is_ours(41));
    CHECK_FALSE(log.is_ours(99));  // the virtual mix user

    log.record(1, 5, 1000, true);
    const auto sent = log.find(1, 5);
    REQUIRE(sent);
    CHECK(sent->speaker == 1);
    CHECK(sent->sent_ns == 1000);
    CHECK(sent->in_window);
    CHECK_FALSE(log.find(0, 5));
    CHECK_FALSE(log.find(1, 6));
    CHECK_FALSE(log.find(7, 5));  // no such speaker
    log.record(1, 5 + SendLog::kHistory, 2000, false);  // overwrites the slot
    CHECK_FALSE(log.find(1, 5));
    CHECK(log.find(1, 5 + SendLog::kHistory)->sent_ns == 2000);

    CHECK_FALSE(log.onset_before(500));
    log.record_onset(1000, false);
    log.record_onset(3000, true);
    CHECK_FALSE(log.onset_before(999));
    CHECK(log.onset_before(1000)->sent_ns == 1000);
    CHECK(log.onset_before(2999)->sent_ns == 1000);
    CHECK(log.onset_before(5000)->sent_ns == 3000);
    CHECK(log.onset_before(5000)->in_window);
  }

  TEST_CASE("/proc/<pid>/stat: utime + stime after a comm with spaces and parentheses") {
    const std::string stat =
        "4242 (murmurd (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 150 0 0 20 0 9 0 100";
    const auto cpu = parse_stat_cpu(stat, 100);
    REQUIRE(cpu);
    CHECK(cpu->user_s == doctest::Approx(2.5));
    CHECK(cpu->system_s == doctest::Approx(1.5));
    CHECK(cpu->total() == doctest::Approx(4.0));
    CHECK_FALSE(parse_stat_cpu("4242 (x) S 1 2", 100));
    CHECK_FALSE(parse_stat_cpu("no parenthesis", 100));
  }

  TEST_CASE("/proc/stat: busy CPU of the host, idle and iowait excluded") {
    CHECK(parse_host_busy_cpu_seconds("cpu  100 10 50 1000 40 5 5 30 0 0\ncpu0 1 2 3", 100) ==
          doctest::Approx(2.0));
    CHECK_FALSE(parse_host_busy_cpu_seconds("cpu0 1 2 3 4 5 6 7 8", 100));
    CHECK_FALSE(parse_host_busy_cpu_seconds("cpu  1 2 3", 100));
    CHECK(host_busy_cpu_seconds().has_value());
  }

  TEST_CASE("/proc/<pid>/status: VmRSS in KiB") {
    CHECK(parse_status_rss_kib("Name:\tx\nVmPeak:\t  9000 kB\nVmRSS:\t    5120 kB\n") == 5120U);
    CHECK_FALSE(parse_status_rss_kib("Name:\tx\n"));
  }

  TEST_CASE("Readings of this very process") {
    const auto rss = process_rss_kib(::getpid());
    REQUIRE(rss);
    CHECK(*rss > 0);
    CHECK(process_cpu(::getpid()).has_value());
    CHECK(raise_open_file_limit() > 0);
  }

  TEST_CASE("SpeakerSchedule puts every speaker in exactly one slot, spread out") {
    for (const std::uint32_t speakers : {1U, 2U, 10U, 20U, 100U}) {
      SpeakerSchedule schedule(speakers);
      std::multiset<std::uint32_t> seen;
      std::size_t busiest = 0;
      for (std::uint64_t slot = 0; slot < SpeakerSchedule::kSlots; ++slot) {
        seen.insert(schedule.due(slot).begin(), schedule.due(slot).end());
        busiest = std::max(busiest, schedule.due(slot).size());
      }
      CHECK(seen.size() == speakers);
      CHECK(std::set<std::uint32_t>(seen.begin(), seen.end()).size() == speakers);
      CHECK(busiest == (speakers + SpeakerSchedule::kSlots - 1) / SpeakerSchedule::kSlots);
    }
    SpeakerSchedule two(2);
    CHECK(two.due(0).size() == 1);
    CHECK(two.due(10).size() == 1);
    CHECK(two.due(30) == two.due(10));
  }

  TEST_CASE("finish_report derives loss, rates, CPU per delivery and RSS per user") {
    LoadReport report;
    report.window_s = 10;
    report.expected = 1000;
    report.deliveries = 900;
    report.server_cpu_s = 0.009;
    report.connected = 10;
    report.rss_kib_before = 1000;
    report.rss_kib_after = 2000;
    report.generator_cpu_s = 5;
    finish_report(report);
    CHECK(report.lost == 100);
    CHECK(report.loss_ratio == doctest::Approx(0.1));
    CHECK(report.deliveries_per_s == doctest::Approx(90));
    CHECK(report.cpu_us_per_delivery == doctest::Approx(10));
    CHECK(report.rss_kib_per_user == doctest::Approx(100));
    CHECK(report.generator_cpu_share == doctest::Approx(0.5));

    report.deliveries = 1100;  // duplicates never make loss negative
    finish_report(report);
    CHECK(report.lost == 0);
  }

  TEST_CASE("JSON report carries every field") {
    LoadReport report;
    report.label = "100/10 \"quoted\"";
    report.deliveries = 42;
    report.latency_us.p99 = 812;
    const std::string json = to_json(report);
    for (const char* key :
         {"\"clients\"", "\"speakers\"", "\"connected\"", "\"deliveries\": 42",
          "\"deliveries_per_s\"", "\"expected\"", "\"lost\"", "\"loss_ratio\"", "\"p50\"",
          "\"p90\"", "\"p99\": 812", "\"max\"", "\"server_cpu_s\"", "\"cpu_us_per_delivery\"",
          "\"rss_kib_before\"", "\"rss_kib_after\"", "\"rss_kib_per_user\"",
          "\"tunnel_deliveries\"", "\"generator_cpu_s\"", "\"connect_failures\"",
          "\"host_other_cores\"",
          "\"label\": \"100/10 \\\"quoted\\\"\""}) {
      CHECK_MESSAGE(json.find(key) != std::string::npos, key);
    }
  }

  TEST_CASE("Flags") {
    const auto options = parse({"--server", "localhost:64738", "--server-pid", "17", "--clients",
                                "100", "--speakers", "10", "--duration", "1.5"});
    REQUIRE(options);
    CHECK(options->host == "localhost");
    CHECK(options->port == 64738);
    CHECK(options->server_pid == 17);
    CHECK(options->duration == 1500ms);
    CHECK(options->label == "100/10");

    const auto connect_only = parse({"--spawn", "murmur", "--clients", "5", "--connect-only"});
    REQUIRE(connect_only);
    CHECK(connect_only->speakers == 0);

    CHECK_THROWS_AS(parse({"--clients", "5"}), std::invalid_argument);  // no server
    CHECK_THROWS_AS(parse({"--server", "h:1", "--spawn", "plenum"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--server", "nohost"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "icecast"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--server", "h:1", "--clients", "2", "--speakers", "3"}),
                    std::invalid_argument);

    const auto modes = parse({"--spawn", "plenum", "--clients", "20", "--speakers", "5",
                              "--listener-mode", "mix", "--mix-listeners", "10", "--tone-levels",
                              "-12:-36", "--noise-speakers", "2"});
    REQUIRE(modes);
    CHECK(modes->listener_mode == "mix");
    CHECK(modes->mode_listeners == 10U);
    CHECK(modes->loudest_dbfs == -12);
    CHECK(modes->quietest_dbfs == -36);
    CHECK(modes->noise_speakers == 2);
    CHECK(modes->server_ini.empty());
    const auto by_config =
        parse({"--spawn", "plenum", "--listener-mode", "topk", "--mode-by", "config"});
    REQUIRE(by_config);
    CHECK(by_config->server_ini == std::vector<std::string>{"plenary.mode=topk"});
    CHECK_THROWS_AS(parse({"--spawn", "murmur", "--listener-mode", "mix", "--mode-by", "config"}),
                    std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "plenum", "--listener-mode", "loud"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "plenum", "--tone-levels", "-40:-10"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "plenum", "--tone-levels", "loud"}), std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "plenum", "--clients", "10", "--speakers", "4",
                           "--mix-listeners", "7"}),
                    std::invalid_argument);
    CHECK_THROWS_AS(parse({"--spawn", "plenum", "--speakers", "1", "--noise-speakers", "2"}),
                    std::invalid_argument);
  }
}

}  // namespace plenum::load
