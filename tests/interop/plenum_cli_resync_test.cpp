// plenum-cli's crypt resync (MUMBLE_PROTOCOL.md §7.6) against the servers under test: a proxy
// drops more than 256 UDP datagrams in one direction, which breaks the OCB2 stream for good
// until the two sides exchange nonces over TCP (CryptSetup).
#include "client-cli/audio_io/wav_file.hpp"
#include "tests/interop/servers_under_test.hpp"
#include "tests/interop/voice_proxy.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signal_correlation.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

// The number after "key": in plenum-cli's flat stats JSON (0 when absent).
long stat(const std::filesystem::path& file, const std::string& key) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const auto at = json.find("\"" + key + "\": ");
  return at == std::string::npos ? 0 : std::stol(json.substr(at + key.size() + 4));
}

std::string json_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<ChildProcess> start_cli(const std::filesystem::path& dir, std::uint16_t port,
                                        const std::string& user, std::vector<std::string> args) {
  ProcessOptions options;
  options.program = PLENUM_CLI_BINARY;
  options.args = {"--headless", "--server", "127.0.0.1:" + std::to_string(port), "--user", user,
                  "--audio", "none"};
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.env = {{"PLENUM_CLI_HOME", (dir / ("home-" + user)).string()}};
  return std::make_unique<ChildProcess>(std::move(options));
}

// Polls `done` every 20 ms until it holds or the deadline passes.
bool await(const std::function<bool()>& done, Clock::duration timeout) {
  const auto deadline = deadline_in(timeout);
  while (!done()) {
    if (Clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// 300 datagrams: more than one turn of the IV's low byte.
constexpr std::uint64_t kBreakingLoss = 300;

}  // namespace

TEST_SUITE("interop") {
  TEST_CASE_TEMPLATE("plenum-cli asks for the server's nonce when its UDP stops decrypting",
                     Server, PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(ServerSettings{});
    server->start();
    VoiceProxy proxy(server->port());
    TempDir dir("plenum-cli-resync-");
    client::write_wav(dir.path() / "speech.wav", speech_like_signal(14.0), 48000);

    auto alice = start_cli(dir.path(), proxy.port(), "alice",
                           {"--stats", (dir.path() / "alice.json").string(), "--duration", "60"});
    REQUIRE_MESSAGE(alice->wait_for_line("joined", deadline_in(20s)), alice->output());
    REQUIRE(await([&] { return proxy.to_client() > 0; }, 10s));  // UDP works both ways
    proxy.drop_to_client(true);
    auto bob = start_cli(dir.path(), server->port(), "bob",
                         {"--play", (dir.path() / "speech.wav").string()});
    REQUIRE(await([&] { return proxy.dropped() >= kBreakingLoss; }, 20s));
    proxy.drop_to_client(false);
    const auto bob_done = bob->wait(deadline_in(30s));
    REQUIRE_MESSAGE(bob_done.has_value(), bob->output());
    CHECK(alice->terminate().clean());

    const auto stats = dir.path() / "alice.json";
    MESSAGE(server->name(), ": dropped ", proxy.dropped(), "; alice ", json_text(stats));
    CHECK(stat(stats, "udp_decrypt_failures") > 0);
    CHECK(stat(stats, "resync_requests") >= 1);
    // After the resync the rest of bob's 14 s (700 packets, 300 of them dropped) decrypts.
    CHECK(stat(stats, "received_udp") >= 350);
  }

  TEST_CASE_TEMPLATE("plenum-cli answers the server's empty CryptSetup with its nonce", Server,
                     PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(ServerSettings{});
    server->start();
    VoiceProxy proxy(server->port());
    TempDir dir("plenum-cli-resync-");
    client::write_wav(dir.path() / "speech.wav", speech_like_signal(14.0), 48000);

    auto bob = start_cli(dir.path(), server->port(), "bob",
                         {"--stats", (dir.path() / "bob.json").string(), "--duration", "60"});
    REQUIRE_MESSAGE(bob->wait_for_line("joined", deadline_in(20s)), bob->output());
    // alice talks through the proxy, which loses a long run of her datagrams once UDP works.
    auto alice = start_cli(dir.path(), proxy.port(), "alice",
                           {"--play", (dir.path() / "speech.wav").string(), "--stats",
                            (dir.path() / "alice.json").string()});
    REQUIRE(await([&] { return proxy.to_client() > 0; }, 10s));
    proxy.drop_to_server(true);
    REQUIRE(await([&] { return proxy.dropped() >= kBreakingLoss; }, 20s));
    const auto dropped_at = proxy.to_server();
    proxy.drop_to_server(false);
    const auto alice_done = alice->wait(deadline_in(30s));
    REQUIRE_MESSAGE(alice_done.has_value(), alice->output());
    CHECK(alice_done->clean());
    CHECK(bob->terminate().clean());

    const auto stats = dir.path() / "alice.json";
    MESSAGE(server->name(), ": dropped ", proxy.dropped(), " of ", dropped_at, "; alice ",
            json_text(stats));
    // The server decrypts her again only after she told it her nonce: her UDP pings are
    // answered, and voice is back on UDP by the end.
    CHECK(json_text(stats).find("\"path\": \"udp\"") != std::string::npos);
    CHECK(stat(stats, "sent_udp") >= static_cast<long>(kBreakingLoss) + 100);
    // Everything but the dropped datagrams reached bob (tunnel while UDP was broken).
    CHECK(stat(dir.path() / "bob.json", "packets_received") >=
          700 - static_cast<long>(proxy.dropped()) - 5);
  }
}

}  // namespace plenum::test
