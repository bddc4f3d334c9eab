// plenum-cli --audio pulse against a real PulseAudio daemon the test starts (its own runtime
// directory and socket, two null sinks): speech played into the "mic" sink is captured from its
// monitor and reaches a listener; speech from another client comes out of the "speaker" sink.
// Without a sound server the client says so in one line and runs on.
#include "client-cli/audio_io/wav_file.hpp"
#include "tests/interop/piecewise_correlation.hpp"
#include "tests/interop/servers_under_test.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signal_correlation.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kPulseAudio = "/usr/bin/pulseaudio";
const std::filesystem::path kPactl = "/usr/bin/pactl";
const std::filesystem::path kPaplay = "/usr/bin/paplay";
const std::filesystem::path kParec = "/usr/bin/parec";

// A private PulseAudio daemon: "mic" and "speaker" null sinks at 48 kHz mono, the default
// source the mic's monitor, the default sink the speaker. Killed on destruction.
class PulseDaemon {
 public:
  explicit PulseDaemon(const std::filesystem::path& dir)
      : socket_(dir / "native"), server_("unix:" + socket_.string()) {
    const auto config = dir / "pa.conf";
    std::ofstream(config) << "load-module module-null-sink sink_name=mic rate=48000 channels=1\n"
                          << "load-module module-null-sink sink_name=speaker rate=48000 "
                             "channels=1\n"
                          << "load-module module-native-protocol-unix auth-anonymous=1 socket="
                          << socket_.string() << "\n"
                          << "set-default-sink speaker\nset-default-source mic.monitor\n";
    ProcessOptions options;
    options.program = kPulseAudio;
    options.args = {"-n",          "--daemonize=no",     "--exit-idle-time=-1",
                    "--disallow-exit", "--system=false", "--use-pid-file=no",
                    "--disable-shm=yes", "-F",           config.string()};
    options.env = {{"XDG_RUNTIME_DIR", dir.string()}, {"HOME", dir.string()}};
    daemon_ = std::make_unique<ChildProcess>(std::move(options));
    // Ready when a client gets its answer (the socket appears before the modules load).
    const auto deadline = deadline_in(10s);
    while (Clock::now() < deadline) {
      if (std::filesystem::exists(socket_) && run_tool(kPactl, {"info"}).clean()) {
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
    FAIL("pulseaudio did not start:\n", daemon_->output());
  }

  const std::string& server() const noexcept { return server_; }

  ExitStatus run_tool(const std::filesystem::path& tool, std::vector<std::string> args) const {
    ChildProcess child(tool_options(tool, std::move(args)));
    return child.wait(deadline_in(20s)).value_or(ExitStatus{std::nullopt, -1});
  }

  ProcessOptions tool_options(const std::filesystem::path& tool,
                              std::vector<std::string> args) const {
    ProcessOptions options;
    options.program = tool;
    options.args = std::move(args);
    options.env = {{"PULSE_SERVER", server_}};
    return options;
  }

 private:
  std::filesystem::path socket_;
  std::string server_;
  std::unique_ptr<ChildProcess> daemon_;
};

std::unique_ptr<ChildProcess> start_cli(const ServerUnderTest& server,
                                        const std::filesystem::path& dir,
                                        const std::string& pulse_server, const std::string& user,
                                        std::vector<std::string> args) {
  ProcessOptions options;
  options.program = PLENUM_CLI_BINARY;
  options.args = {"--headless", "--server",
                  server.host() + ":" + std::to_string(server.port()), "--user", user};
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.env = {{"PLENUM_CLI_HOME", (dir / ("home-" + user)).string()},
                 {"PULSE_SERVER", pulse_server}};
  return std::make_unique<ChildProcess>(std::move(options));
}

}  // namespace

TEST_SUITE("interop") {
  TEST_CASE_TEMPLATE("plenum-cli --audio pulse talks from the microphone and plays to the speaker",
                     Server, PLENUM_SERVERS_UNDER_TEST) {
    REQUIRE_MESSAGE(std::filesystem::exists(kPulseAudio), "scripts/deps installs pulseaudio");
    TempDir dir("plenum-cli-audio-");
    PulseDaemon pulse(dir.path());
    const auto server = Server::make(ServerSettings{});
    server->start();
    const std::vector<float> speech = speech_like_signal(3.0);
    client::write_wav(dir.path() / "speech.wav", speech, 48000);

    // bob records what alice's microphone picks up.
    auto bob = start_cli(*server, dir.path(), pulse.server(), "bob",
                         {"--record", (dir.path() / "bob.wav").string(), "--duration", "60"});
    REQUIRE_MESSAGE(bob->wait_for_line("joined", deadline_in(20s)), bob->output());
    auto alice = start_cli(*server, dir.path(), pulse.server(), "alice",
                           {"--audio", "pulse", "--duration", "60"});
    REQUIRE_MESSAGE(alice->wait_for_line("joined", deadline_in(20s)), alice->output());
    CHECK(pulse.run_tool(kPaplay, {"--device=mic", (dir.path() / "speech.wav").string()})
              .clean());
    std::this_thread::sleep_for(1s);  // the end of the speech is still on its way to bob
    CHECK(bob->terminate().clean());
    const Correlation mic =
        best_correlation(speech, client::read_audio_mono48k(dir.path() / "bob.wav"));
    MESSAGE("microphone -> bob: correlation ", mic.value, " at lag ", mic.lag / 48, " ms");
    CHECK(mic.value >= 0.8);

    // carol talks; alice's speaker (the "speaker" sink) plays her, recorded from its monitor.
    auto recorder = std::make_unique<ChildProcess>(pulse.tool_options(
        kParec, {"--device=speaker.monitor", "--file-format=wav", "--rate=48000",
                 "--channels=1", (dir.path() / "speaker.wav").string()}));
    auto carol = start_cli(*server, dir.path(), pulse.server(), "carol",
                           {"--play", (dir.path() / "speech.wav").string()});
    const auto carol_done = carol->wait(deadline_in(30s));
    REQUIRE_MESSAGE(carol_done.has_value(), carol->output());
    CHECK(carol_done->clean());
    std::this_thread::sleep_for(1s);
    recorder->terminate();
    const ExitStatus alice_done = alice->terminate();
    CHECK_MESSAGE(alice_done.clean(), alice_done.describe(), "\n", alice->output());
    CHECK_MESSAGE(alice->output().find("audio:") == std::string::npos, alice->output());
    const std::vector<float> heard = client::read_audio_mono48k(dir.path() / "speaker.wav");
    const Correlation speaker = best_correlation(speech, heard);
    const std::size_t speaker_pieces_below = pieces_below(speech, heard, 0.8);
    MESSAGE("carol -> alice's speaker: correlation ", speaker.value, " at lag ",
            speaker.lag / 48, " ms; 0.5 s pieces below 0.8: ", speaker_pieces_below);
    // A loaded machine may stall the speaker thread once (silence fills in, the rest shifts).
    CHECK((speaker.value >= 0.8 || speaker_pieces_below <= 1));
  }

  TEST_CASE_TEMPLATE("plenum-cli --audio pulse without a sound server says so and runs on",
                     Server, PLENUM_SERVERS_UNDER_TEST) {
    TempDir dir("plenum-cli-audio-");
    const auto server = Server::make(ServerSettings{});
    server->start();
    auto alice = start_cli(*server, dir.path(), "unix:" + (dir.path() / "none").string(),
                           "alice", {"--audio", "pulse", "--duration", "1"});
    const auto status = alice->wait(deadline_in(20s));
    REQUIRE_MESSAGE(status.has_value(), alice->output());
    CHECK_MESSAGE(status->clean(), status->describe(), "\n", alice->output());
    const std::string output = alice->output();
    CHECK_MESSAGE(output.find("audio: no PulseAudio sound server") != std::string::npos, output);
    CHECK(output.find("continuing without audio") != std::string::npos);
    CHECK(output.find("joined") != std::string::npos);
  }
}

}  // namespace plenum::test
