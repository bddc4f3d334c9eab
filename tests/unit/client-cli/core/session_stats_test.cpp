#include "client-cli/core/session_stats.hpp"

#include <doctest/doctest.h>

#include <string>

namespace plenum::client {
namespace {

TEST_SUITE("client-cli") {
  TEST_CASE("session stats JSON carries the promised fields") {
    ConnectionStats connection;
    connection.voice_sent_udp = 7;
    connection.voice_sent_tcp = 3;
    connection.tcp_ping_ms = 12.5;
    connection.path = VoicePath::Tcp;
    ReceiveStats received;
    received.packets = 42;
    received.jitter.lost = 2;
    received.jitter.late = 1;
    received.jitter.jitter_ms = 3.25;
    const std::string json = to_json(collect_stats(connection, received));
    CHECK(json.find("\"packets_sent\": 10,") != std::string::npos);
    CHECK(json.find("\"packets_received\": 42,") != std::string::npos);
    CHECK(json.find("\"lost\": 2,") != std::string::npos);
    CHECK(json.find("\"late\": 1,") != std::string::npos);
    CHECK(json.find("\"jitter_ms\": 3.250,") != std::string::npos);
    CHECK(json.find("\"ping_ms\": 12.500,") != std::string::npos);
    CHECK(json.find("\"path\": \"tcp\"") != std::string::npos);
  }

  TEST_CASE("ping_ms reports the UDP round trip while voice goes over UDP") {
    ConnectionStats connection;
    connection.udp_ping_ms = 0.5;
    connection.tcp_ping_ms = 9.0;
    connection.path = VoicePath::Udp;
    const SessionStats stats = collect_stats(connection, {});
    CHECK(stats.ping_ms == doctest::Approx(0.5));
    CHECK(stats.path == VoicePath::Udp);
  }
}

}  // namespace
}  // namespace plenum::client
