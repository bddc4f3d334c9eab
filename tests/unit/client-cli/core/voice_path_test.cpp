#include "client-cli/core/voice_path.hpp"

#include <doctest/doctest.h>

namespace plenum::client {
namespace {

using namespace std::chrono_literals;
using Clock = VoicePathMonitor::Clock;

TEST_SUITE("client-cli") {
  TEST_CASE("voice uses the tunnel until a UDP reply proves UDP works") {
    VoicePathMonitor monitor;
    const Clock::time_point t0{};
    CHECK(monitor.update(t0) == VoicePath::Tcp);
    monitor.on_ping_sent(t0);
    CHECK(monitor.update(t0 + 100ms) == VoicePath::Tcp);
    monitor.on_udp_good(t0 + 100ms);
    CHECK(monitor.update(t0 + 100ms) == VoicePath::Udp);
  }

  TEST_CASE("unanswered UDP pings move voice to the tunnel, and answers bring it back") {
    VoicePathMonitor monitor;
    Clock::time_point t{};
    monitor.on_ping_sent(t);
    monitor.on_udp_good(t + 1ms);
    CHECK(monitor.update(t + 1s) == VoicePath::Udp);
    t += 5s;
    monitor.on_ping_sent(t);
    CHECK(monitor.update(t + 1s) == VoicePath::Udp);  // not overdue yet
    CHECK(monitor.update(t + VoicePathMonitor::kReplyTimeout + 1ms) == VoicePath::Tcp);
    CHECK(monitor.fallbacks() == 1);
    t += 5s;
    monitor.on_ping_sent(t);  // still overdue: the older ping counts
    CHECK(monitor.update(t) == VoicePath::Tcp);
    monitor.on_udp_good(t + 2ms);
    CHECK(monitor.update(t + 3ms) == VoicePath::Udp);
  }

  TEST_CASE("with UDP disabled voice always takes the tunnel") {
    VoicePathMonitor monitor(false);
    monitor.on_ping_sent({});
    monitor.on_udp_good({});
    CHECK(monitor.update({}) == VoicePath::Tcp);
    CHECK(to_string(VoicePath::Tcp) == "tcp");
    CHECK(to_string(VoicePath::Udp) == "udp");
  }
}

}  // namespace
}  // namespace plenum::client
