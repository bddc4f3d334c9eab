// metric_families, MetricsBoard and the statm reader: what a scrape shows for known counters.
#include "server/metrics/metric_families.hpp"
#include "server/metrics/metrics_board.hpp"
#include "server/metrics/process_memory.hpp"

#include <doctest/doctest.h>

#include <prometheus/text_serializer.h>

#include <chrono>
#include <string>

using namespace plenum::server;

namespace {

std::string page_of(const metrics::MetricsReading& reading) {
  return prometheus::TextSerializer{}.Serialize(metrics::metric_families(reading, 4096));
}

bool has_line(const std::string& page, const std::string& line) {
  return page.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("the families show levels as gauges and counters with their labels") {
    metrics::MetricsBoard board{2};
    metrics::ControlReading control;
    control.users = 3;
    control.channels = 2;
    control.sessions_by_version = {{"1.5.0", 2}, {"1.3.4", 1}};
    control.messages_received[static_cast<std::size_t>(plenum::protocol::MessageType::UserState)] = 7;
    control.login_failures = 4;
    board.publish_control(control);
    voice::VoiceCounters shard0, shard1;
    shard0.voice_packets = 10;
    shard1.voice_packets = 5;
    shard1.drop(voice::DropReason::Replay);
    board.publish_voice(0, shard0);
    board.publish_voice(1, shard1);
    board.publish_voice(2, shard1);  // no such shard: ignored
    store::StoreCounters store;
    store.record_batch(std::chrono::microseconds{700});
    store.writes_committed = 2;
    board.publish_store(store);

    const std::string page = page_of(board.read());
    CHECK(has_line(page, "# TYPE plenum_users gauge"));
    CHECK(has_line(page, "plenum_users 3"));
    CHECK(has_line(page, "plenum_channels 2"));
    CHECK(has_line(page, "plenum_sessions{version=\"1.5.0\"} 2"));
    CHECK(has_line(page, "# TYPE plenum_voice_packets_received_total counter"));
    CHECK(has_line(page, "plenum_voice_packets_received_total 15"));
    CHECK(has_line(page, "plenum_voice_dropped_total{reason=\"replay\"} 1"));
    CHECK(has_line(page, "plenum_control_messages_received_total{type=\"UserState\"} 7"));
    CHECK(has_line(page, "plenum_login_failures_total 4"));
    CHECK(has_line(page, "plenum_store_writes_committed_total 2"));
    CHECK(has_line(page, "plenum_store_commit_seconds_bucket{le=\"0.0005\"} 0"));
    CHECK(has_line(page, "plenum_store_commit_seconds_bucket{le=\"0.001\"} 1"));
    CHECK(has_line(page, "plenum_store_commit_seconds_bucket{le=\"+Inf\"} 1"));
    CHECK(has_line(page, "plenum_process_resident_memory_bytes 4096"));
    CHECK(page.find("_total_total") == std::string::npos);
  }

  TEST_CASE("resident memory comes from statm's second field in pages") {
    CHECK(metrics::resident_bytes_from_statm("1000 250 10 5 0 300 0\n", 4096) == 250U * 4096U);
    CHECK_FALSE(metrics::resident_bytes_from_statm("garbage", 4096).has_value());
    CHECK_FALSE(metrics::resident_bytes_from_statm("1 x", 4096).has_value());
    const auto own = metrics::resident_memory_bytes();
    REQUIRE(own.has_value());
    CHECK(*own > 0);
  }
}
