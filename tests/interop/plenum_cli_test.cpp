// plenum-cli --headless against the servers under test (Murmur always): speech goes from one
// client to another over UDP and through the TCP tunnel, arriving intact (cross-correlation)
// and without loss; failures end with one line and exit code 1.
#include "client-cli/audio_io/wav_file.hpp"
#include "tests/interop/piecewise_correlation.hpp"
#include "tests/interop/servers_under_test.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signal_correlation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

constexpr double kSpeechSeconds = 4.0;
constexpr double kMinCorrelation = 0.8;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The value of "key" in the flat JSON plenum-cli writes, quotes removed. (No <regex>: GCC 12
// warns falsely inside it with sanitizers.)
std::string json_field(const std::string& json, const std::string& key) {
  const std::string label = "\"" + key + "\": ";
  const auto at = json.find(label);
  if (at == std::string::npos) {
    return {};
  }
  std::string value = json.substr(at + label.size());
  value = value.substr(0, value.find_first_of(",\n"));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

class CliRunner {
 public:
  CliRunner(const ServerUnderTest& server, std::filesystem::path dir)
      : server_(server), dir_(std::move(dir)) {}

  // plenum-cli --headless --server HOST:PORT --user NAME ARGS..., with its own home directory.
  std::unique_ptr<ChildProcess> start(const std::string& user, std::vector<std::string> args,
                                      std::vector<std::pair<std::string, std::string>> env = {}) {
    ProcessOptions options;
    options.program = PLENUM_CLI_BINARY;
    options.args = {"--headless", "--server",
                    server_.host() + ":" + std::to_string(server_.port()), "--user", user};
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.env = std::move(env);
    options.env.emplace_back("PLENUM_CLI_HOME", (dir_ / ("home-" + user)).string());
    return std::make_unique<ChildProcess>(std::move(options));
  }

  // Runs to the end (bounded) and returns the exit status.
  ExitStatus run(const std::string& user, std::vector<std::string> args, std::string* output) {
    auto process = start(user, std::move(args));
    const auto status = process->wait(deadline_in(30s));
    *output = process->output();
    REQUIRE_MESSAGE(status.has_value(), "plenum-cli did not exit:\n", *output);
    return *status;
  }

  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  const ServerUnderTest& server_;
  std::filesystem::path dir_;
};

struct VoiceRun {
  Correlation correlation;
  std::size_t pieces_below = 0;
  std::string sender_stats;
  std::string listener_stats;

  // The speech arrived intact: at one lag, or piece by piece where the listener's jitter buffer
  // had to stretch (and said so), spoiling at most one piece per stretch and two in all.
  bool intact() const {
    const auto stretches =
        static_cast<std::size_t>(std::stoul(json_field(listener_stats, "expanded")));
    return correlation.value >= kMinCorrelation ||
           (stretches > 0 && pieces_below <= std::min<std::size_t>(stretches, 2));
  }
};

// bob records, alice plays the speech; bob is stopped (SIGTERM) once alice is done.
VoiceRun speak_and_listen(const ServerUnderTest& server, std::vector<std::string> sender_extra) {
  TempDir dir("plenum-cli-interop-");
  CliRunner cli(server, dir.path());
  const std::vector<float> speech = speech_like_signal(kSpeechSeconds);
  client::write_wav(dir.path() / "speech.wav", speech, 48000);

  auto listener = cli.start("bob", {"--record", (dir.path() / "heard.wav").string(), "--stats",
                                    (dir.path() / "bob.json").string(), "--duration", "45"});
  REQUIRE_MESSAGE(listener->wait_for_line("joined", deadline_in(20s)), listener->output());

  std::vector<std::string> sender_args{"--play", (dir.path() / "speech.wav").string(), "--stats",
                                       (dir.path() / "alice.json").string()};
  sender_args.insert(sender_args.end(), sender_extra.begin(), sender_extra.end());
  auto sender = cli.start("alice", sender_args);
  const auto sent = sender->wait(deadline_in(30s));
  REQUIRE_MESSAGE(sent.has_value(), sender->output());
  CHECK_MESSAGE(sent->clean(), sent->describe(), "\n", sender->output());

  // What alice sent last is still in bob's jitter buffer for up to its delay (< 0.5 s).
  std::this_thread::sleep_for(1s);
  const ExitStatus heard = listener->terminate();
  CHECK_MESSAGE(heard.clean(), heard.describe(), "\n", listener->output());

  VoiceRun run;
  run.sender_stats = read_file(dir.path() / "alice.json");
  run.listener_stats = read_file(dir.path() / "bob.json");
  const std::vector<float> recorded = client::read_audio_mono48k(dir.path() / "heard.wav");
  run.correlation = best_correlation(speech, recorded);
  run.pieces_below = pieces_below(speech, recorded, kMinCorrelation);
  MESSAGE(server.name(), ": correlation ", run.correlation.value, " (0.5 s pieces below ",
          kMinCorrelation, ": ", run.pieces_below, ") at lag ",
          static_cast<double>(run.correlation.lag) / 48.0, " ms; alice ", run.sender_stats, "bob ",
          run.listener_stats);
  return run;
}

ServerSettings cli_settings() {
  ServerSettings settings;
  settings.register_name = "Interop Root";
  settings.welcome_text = "Hello plenum-cli";
  return settings;
}

}  // namespace

TEST_SUITE("interop") {
  TEST_CASE("correlation finds a delayed copy and rejects an unrelated signal") {
    const std::vector<float> speech = speech_like_signal(1.0);
    std::vector<float> delayed(12000, 0.0F);
    delayed.insert(delayed.end(), speech.begin(), speech.end());
    const Correlation same = best_correlation(speech, delayed);
    CHECK(same.lag == 12000);
    CHECK(same.value == doctest::Approx(1.0).epsilon(0.001));
    std::vector<float> noise(delayed.size());
    std::uint32_t state = 1;
    for (float& sample : noise) {
      state = state * 1664525U + 1013904223U;
      sample = static_cast<float>(state >> 8) / 16777216.0F - 0.5F;
    }
    CHECK(best_correlation(speech, noise).value < 0.2);
    CHECK(pieces_below(speech, noise, kMinCorrelation) ==
          piece_correlations(speech, noise).size());
  }

  TEST_CASE("piecewise correlation accepts a stretched copy that one lag does not fit") {
    const std::vector<float> speech = speech_like_signal(4.0);
    std::vector<float> stretched(speech.begin(), speech.begin() + 48000 + 24000);
    stretched.insert(stretched.end(), 3 * 960, 0.0F);  // a 60 ms underrun, stretched
    stretched.insert(stretched.end(), speech.begin() + 48000 + 24000, speech.end());
    CHECK(best_correlation(speech, stretched).value < 0.8);
    CHECK(pieces_below(speech, stretched, kMinCorrelation) <= 1);  // the piece with the gap
  }

  TEST_CASE_TEMPLATE("plenum-cli carries speech between two headless clients over UDP", Server,
                     PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(cli_settings());
    server->start();
    // 50 kb/s fits 72000 b/s over UDP (+14800), not in the tunnel (+32000), where voice starts.
    const VoiceRun run = speak_and_listen(*server, {"--bitrate", "50000"});
    CHECK(run.intact());
    CHECK(json_field(run.sender_stats, "bitrate_bps") == "50000");
    CHECK(json_field(run.listener_stats, "lost") == "0");
    CHECK(json_field(run.listener_stats, "packets_received") ==
          json_field(run.sender_stats, "packets_sent"));
    CHECK(json_field(run.sender_stats, "packets_sent") == std::to_string(200));
    CHECK(json_field(run.sender_stats, "path") == "udp");
    // Voice may take the tunnel until the first UDP ping comes back (a few ms after login).
    CHECK(std::stoi(json_field(run.sender_stats, "sent_udp")) >= 190);
    CHECK(json_field(run.listener_stats, "path") == "udp");
  }

  TEST_CASE_TEMPLATE("plenum-cli with UDP blocked talks through the TCP tunnel", Server,
                     PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(cli_settings());
    server->start();
    const VoiceRun run = speak_and_listen(*server, {"--no-udp", "--bitrate", "50000"});
    CHECK(run.intact());
    CHECK(json_field(run.sender_stats, "bitrate_bps") == "40000");  // refitted to the tunnel
    CHECK(json_field(run.listener_stats, "lost") == "0");
    CHECK(json_field(run.listener_stats, "packets_received") ==
          json_field(run.sender_stats, "packets_sent"));
    CHECK(json_field(run.sender_stats, "path") == "tcp");
    CHECK(json_field(run.sender_stats, "sent_udp") == "0");
    CHECK(json_field(run.sender_stats, "sent_tcp") == json_field(run.sender_stats, "packets_sent"));
  }

  TEST_CASE_TEMPLATE("plenum-cli --duration ends the run and the recording follows the clock",
                     Server, PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(cli_settings());
    server->start();
    TempDir dir("plenum-cli-interop-");
    CliRunner cli(*server, dir.path());
    std::string output;
    const auto started = Clock::now();
    const ExitStatus status =
        cli.run("carol", {"--duration", "2", "--record", (dir.path() / "quiet.wav").string()},
                &output);
    CHECK_MESSAGE(status.clean(), status.describe(), "\n", output);
    CHECK(Clock::now() - started >= 2s);
    const auto recorded = client::read_audio_mono48k(dir.path() / "quiet.wav");
    CHECK(recorded.size() >= 2 * 48000);
    CHECK(recorded.size() <= 2 * 48000 + 960 * 5);  // only a stall of the whole run adds frames
  }

  TEST_CASE_TEMPLATE("plenum-cli fails with one line for refused, rejected and untrusted servers",
                     Server, PLENUM_SERVERS_UNDER_TEST) {
    const auto server = Server::make(cli_settings());
    server->start();
    TempDir dir("plenum-cli-interop-");
    CliRunner cli(*server, dir.path());
    std::string output;

    // First contact stores the certificate; the second run trusts it silently.
    CHECK(cli.run("dave", {"--duration", "0.2"}, &output).clean());
    CHECK(output.find("trusting new server") != std::string::npos);
    CHECK(cli.run("dave", {"--duration", "0.2"}, &output).clean());
    CHECK(output.find("trusting new server") == std::string::npos);

    // A different certificate for the same host:port is refused unless --trust-new-cert.
    const auto known = dir.path() / "home-dave" / "known_servers";
    std::string text = read_file(known);
    const auto space = text.rfind(' ');
    REQUIRE(space != std::string::npos);
    text.replace(space + 1, 40, std::string(40, '0'));
    std::ofstream(known, std::ios::trunc) << text;
    ExitStatus status = cli.run("dave", {"--duration", "0.2"}, &output);
    CHECK(status.exit_code == 1);
    CHECK_MESSAGE(output.find("has changed") != std::string::npos, output);
    CHECK(cli.run("dave", {"--duration", "0.2", "--trust-new-cert"}, &output).clean());
    CHECK(cli.run("dave", {"--duration", "0.2"}, &output).clean());

    status = cli.run("bad?name", {"--duration", "0.2"}, &output);
    CHECK(status.exit_code == 1);
    CHECK_MESSAGE(output.find("rejected by") != std::string::npos, output);

    status = cli.run("erin", {"--channel", "No/Such/Channel", "--duration", "0.2"}, &output);
    CHECK(status.exit_code == 1);
    CHECK_MESSAGE(output.find("not found") != std::string::npos, output);

    server->stop();
    status = cli.run("erin", {"--duration", "0.2"}, &output);
    CHECK(status.exit_code == 1);
    CHECK_MESSAGE(output.find("cannot connect") != std::string::npos, output);
  }
}

}  // namespace plenum::test
