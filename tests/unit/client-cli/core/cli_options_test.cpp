#include "client-cli/core/cli_options.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace plenum::client {
namespace {

CliOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "plenum-cli");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST_SUITE("client-cli") {
  TEST_CASE("command line: URL first, flags override it") {
    const CliOptions o = parse({"mumble://alice@host:1234/Main/Sub", "--user", "bob", "--headless",
                                "--play", "in.wav", "--duration", "2.5", "--bitrate", "24000",
                                "--mode", "mix", "--trust-new-cert"});
    CHECK(o.server.host == "host");
    CHECK(o.server.port == 1234);
    CHECK(o.user == "bob");
    CHECK(o.channel == "Main/Sub");
    CHECK(o.headless);
    CHECK(o.play == std::filesystem::path("in.wav"));
    CHECK(o.duration_s == doctest::Approx(2.5));
    CHECK(o.bitrate_bps == 24000);
    CHECK(o.mode == ListenerMode::Mix);
    CHECK(o.trust_new_cert);
    CHECK(o.transmit == TransmitMode::Continuous);  // headless default
    CHECK(o.udp_enabled);
  }

  TEST_CASE("command line: --server, the TUI's ptt default and the hidden --no-udp") {
    const CliOptions o = parse({"--server", "127.0.0.1:5", "--channel", "A", "--no-udp"});
    CHECK(o.server.port == 5);
    CHECK(o.channel == "A");
    CHECK(o.transmit == TransmitMode::PushToTalk);
    CHECK_FALSE(o.udp_enabled);
    CHECK_FALSE(o.user.empty());
  }

  TEST_CASE("command line: --audio defaults to pulse in the TUI and none headless") {
    CHECK(parse({"--server", "h"}).audio == AudioBackend::Pulse);
    CHECK(parse({"--server", "h", "--headless"}).audio == AudioBackend::None);
    CHECK(parse({"--server", "h", "--audio", "none"}).audio == AudioBackend::None);
    CHECK(parse({"--server", "h", "--headless", "--audio", "pulse"}).audio == AudioBackend::Pulse);
    CHECK_THROWS_AS(parse({"--server", "h", "--audio", "alsa"}), CliError);
    CHECK(to_string(AudioBackend::Pulse) == "pulse");
  }

  TEST_CASE("command line errors are one-line CliErrors") {
    CHECK_THROWS_AS(parse({"--headless"}), CliError);  // no server
    CHECK_THROWS_AS(parse({"--server", "h", "--transmit", "loud"}), CliError);
    CHECK_THROWS_AS(parse({"--server", "h", "--mode", "some"}), CliError);
    CHECK_THROWS_AS(parse({"--server", "h", "--duration", "0"}), CliError);
    CHECK_THROWS_AS(parse({"--server", "h", "--bitrate", "100"}), CliError);
    CHECK_THROWS_AS(parse({"--server", "h", "--bogus"}), CliError);
    CHECK_THROWS_AS(parse({"mumble://h:99999"}), CliError);
    CHECK(parse({"--help"}).help);
  }
}

}  // namespace
}  // namespace plenum::client
