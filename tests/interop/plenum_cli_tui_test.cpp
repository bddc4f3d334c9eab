// plenum-cli's TUI driven through tmux (send-keys / capture-pane) against Murmur, with a test
// client watching what the server sees and a headless plenum-cli talking.
#include "client-cli/audio_io/wav_file.hpp"
#include "tests/interop/servers_under_test.hpp"
#include "tests/support/mumble_test_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signal_correlation.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

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

const std::filesystem::path kTmux = "/usr/bin/tmux";

// A private tmux server (its own socket name) holding one window; killed on destruction.
class TmuxSession {
 public:
  explicit TmuxSession(const std::string& command)
      : socket_("plenum-tui-" + std::to_string(::getpid())) {
    run({"new-session", "-d", "-x", "100", "-y", "30", command});
  }
  ~TmuxSession() { run({"kill-server"}); }
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  std::string run(std::vector<std::string> args) const {
    ProcessOptions options;
    options.program = kTmux;
    options.args = {"-L", socket_};
    options.args.insert(options.args.end(), args.begin(), args.end());
    ChildProcess tmux(std::move(options));
    tmux.wait(deadline_in(10s));
    return tmux.output();
  }

  void keys(std::vector<std::string> keys) const {
    std::vector<std::string> args{"send-keys", "-t", "0"};
    args.insert(args.end(), keys.begin(), keys.end());
    run(args);
  }
  std::string screen() const { return run({"capture-pane", "-p", "-t", "0"}); }

  // Polls the screen until pred holds; returns the last screen either way.
  std::string wait_for(const std::function<bool(const std::string&)>& pred,
                       Clock::duration timeout = 20s) const {
    const auto deadline = deadline_in(timeout);
    std::string text = screen();
    while (!pred(text) && Clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      text = screen();
    }
    return text;
  }
  std::string wait_for_text(const std::string& needle, Clock::duration timeout = 20s) const {
    return wait_for([&](const std::string& s) { return s.find(needle) != std::string::npos; },
                    timeout);
  }

 private:
  std::string socket_;
};

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::string last_line(const std::string& screen) {
  std::istringstream in(screen);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      last = line;
    }
  }
  return last;
}

}  // namespace

TEST_SUITE("interop") {
  TEST_CASE_TEMPLATE(
      "plenum-cli TUI: tree, markers, help, chat, channel switch, deafen, resize, quit (tmux)",
      Server, PLENUM_SERVERS_UNDER_TEST) {
    if (!std::filesystem::exists(kTmux)) {
      MESSAGE("tmux not installed; skipped");
      return;
    }
    ServerSettings settings;
    settings.register_name = "TUI Root";
    const auto server = Server::make(settings);
    server->set_superuser_password("tui-test-admin");
    server->start();
    TempDir dir("plenum-cli-tui-");
    const std::string address = server->host() + ":" + std::to_string(server->port());

    ClientOptions watcher_options;
    watcher_options.host = server->host();
    watcher_options.port = server->port();
    MumbleTestClient watcher(watcher_options);
    watcher.connect(deadline_in(10s));
    HandshakeRequest hello;
    hello.username = "SuperUser";
    hello.password = "tui-test-admin";
    REQUIRE(watcher.handshake(hello, deadline_in(10s)).synced());
    // An empty second channel, which the tree lists last (after the root's users).
    MumbleProto::ChannelState create;
    create.set_parent(0);
    create.set_name("Room");
    watcher.send(create, deadline_in(10s));
    const auto room = watcher.wait_for<MumbleProto::ChannelState>(
        [](const MumbleProto::ChannelState& s) { return s.has_channel_id() && s.name() == "Room"; },
        deadline_in(10s));
    REQUIRE(room.has_value());

    const auto exit_file = dir.path() / "exit";
    // No sound server at this address: the TUI says so in one line and runs on.
    const std::string command = "PULSE_SERVER=unix:" + (dir.path() / "no-pulse").string() +
                                " PLENUM_CLI_HOME=" + (dir.path() / "home-tui").string() + " " +
                                PLENUM_CLI_BINARY + " --server " + address +
                                " --user tui 2>" + (dir.path() / "stderr").string() +
                                "; echo $? > " + exit_file.string() + "; sleep 60";
    TmuxSession tmux(command);

    std::string screen = tmux.wait_for_text("connected to");
    INFO("screen:\n", screen);
    CHECK(contains(screen, "# TUI Root"));
    CHECK(contains(screen, "[ ] tui (you)"));
    CHECK(contains(screen, "[ ] S SuperUser"));  // suppressed: Murmur does so to SuperUser
    CHECK(contains(screen, "# Room"));
    CHECK(contains(last_line(screen), address + " connected"));
    CHECK(contains(last_line(screen), "| udp |"));
    CHECK(contains(last_line(screen), "PTT off"));
    CHECK(contains(screen, "audio: no PulseAudio sound server"));
    CHECK(contains(screen, "running without audio"));

    // Push-to-talk is a toggle; without --play there is nothing to send, but the state shows.
    tmux.keys({"t"});
    screen = tmux.wait_for([](const std::string& s) { return contains(last_line(s), "PTT ON"); });
    CHECK(contains(last_line(screen), "PTT ON"));
    tmux.keys({"t"});

    // Mute travels to the server and comes back as the M marker.
    const auto tui_state = watcher.wait_for<MumbleProto::UserState>(
        [](const MumbleProto::UserState& s) { return s.name() == "tui"; }, deadline_in(10s));
    REQUIRE(tui_state.has_value());
    const std::uint32_t tui_session = tui_state->session();
    tmux.keys({"m"});
    const auto muted = watcher.wait_for<MumbleProto::UserState>(
        [&](const MumbleProto::UserState& s) {
          return s.session() == tui_session && s.has_self_mute() && s.self_mute();
        },
        deadline_in(10s));
    CHECK(muted.has_value());
    screen = tmux.wait_for_text("[ ] M tui (you)");
    CHECK(contains(screen, "[ ] M tui (you)"));
    CHECK(contains(last_line(screen), "muted"));

    // Someone talking gets the [*] marker.
    const std::vector<float> speech = speech_like_signal(3.0);
    client::write_wav(dir.path() / "speech.wav", speech, 48000);
    ProcessOptions talker_options;
    talker_options.program = PLENUM_CLI_BINARY;
    talker_options.args = {"--headless", "--server", address, "--user", "alice",
                           "--play", (dir.path() / "speech.wav").string()};
    talker_options.env = {{"PLENUM_CLI_HOME", (dir.path() / "home-alice").string()}};
    ChildProcess talker(std::move(talker_options));
    screen = tmux.wait_for_text("[*] alice");
    CHECK_MESSAGE(contains(screen, "[*] alice"), screen);
    CHECK(talker.wait(deadline_in(20s)).has_value());

    // Help overlay, closed by any key.
    tmux.keys({"?"});
    screen = tmux.wait_for_text("no key release");
    CHECK(contains(screen, "plenum-cli keys"));
    CHECK(contains(screen, "push-to-talk toggle"));
    tmux.keys({"x"});
    screen = tmux.wait_for([](const std::string& s) { return !contains(s, "plenum-cli keys"); });
    CHECK_FALSE(contains(screen, "plenum-cli keys"));

    // A message typed in the input line reaches the others in the channel.
    tmux.keys({"i", "hello from the tui", "Enter"});
    const auto text = watcher.wait_for<MumbleProto::TextMessage>(
        [](const MumbleProto::TextMessage&) { return true; }, deadline_in(10s));
    REQUIRE(text.has_value());
    CHECK(text->message() == "hello from the tui");
    CHECK(contains(tmux.wait_for_text("tui: hello from the tui"), "tui: hello from the tui"));

    // Switching channel: move the selection to the last row (Room) and press Enter; the server
    // moves us, and the tree shows us under Room.
    tmux.keys({"j", "j", "j", "j", "j", "j", "j", "j", "Enter"});
    const auto moved = watcher.wait_for<MumbleProto::UserState>(
        [&](const MumbleProto::UserState& s) {
          return s.session() == tui_session && s.has_channel_id() &&
                 s.channel_id() == room->channel_id();
        },
        deadline_in(10s));
    CHECK(moved.has_value());
    screen = tmux.wait_for([](const std::string& s) {
      const auto at = s.find("# Room");
      return at != std::string::npos && s.find("tui (you)", at) != std::string::npos;
    });
    INFO("screen:\n", screen);
    CHECK(screen.find("tui (you)", screen.find("# Room")) != std::string::npos);

    // Deafen travels to the server and shows as the D marker.
    tmux.keys({"d"});
    const auto deafened = watcher.wait_for<MumbleProto::UserState>(
        [&](const MumbleProto::UserState& s) {
          return s.session() == tui_session && s.has_self_deaf() && s.self_deaf();
        },
        deadline_in(10s));
    CHECK(deafened.has_value());
    CHECK(contains(tmux.wait_for_text("M D tui (you)"), "M D tui (you)"));

    // A smaller terminal: the layout follows, the status line stays at the bottom.
    tmux.run({"resize-window", "-t", "0", "-x", "60", "-y", "15"});
    screen = tmux.wait_for([&](const std::string& s) {
      return contains(last_line(s), address) && last_line(s).size() <= 60 * 3;
    });
    CHECK(contains(screen, " Channels"));
    CHECK(contains(last_line(screen), address));
    std::istringstream rows(screen);
    int count = 0;
    for (std::string row; std::getline(rows, row);) {
      ++count;
    }
    CHECK(count <= 15);

    tmux.keys({"q"});
    const auto deadline = deadline_in(10s);
    while (!std::filesystem::exists(exit_file) && Clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
    }
    std::ifstream exit_code(exit_file);
    std::string code;
    exit_code >> code;
    CHECK(code == "0");
  }

  TEST_CASE_TEMPLATE("plenum-cli TUI reconnects with backoff after the server restarts", Server,
                     PLENUM_SERVERS_UNDER_TEST) {
    if (!std::filesystem::exists(kTmux)) {
      MESSAGE("tmux not installed; skipped");
      return;
    }
    const auto server = Server::make(ServerSettings{});
    server->start();
    TempDir dir("plenum-cli-tui-");
    const std::string address = server->host() + ":" + std::to_string(server->port());
    const std::string command = "PULSE_SERVER=unix:" + (dir.path() / "no-pulse").string() +
                                " PLENUM_CLI_HOME=" + (dir.path() / "home").string() + " " +
                                PLENUM_CLI_BINARY + " --server " + address + " --user tui" +
                                "; sleep 60";
    TmuxSession tmux(command);
    std::string screen = tmux.wait_for_text("connected to");
    REQUIRE_MESSAGE(contains(screen, "connected to"), screen);

    server->stop();
    screen = tmux.wait_for_text("reconnecting");
    CHECK_MESSAGE(contains(screen, "disconnected: connection closed by the server"),
                  screen);
    CHECK(contains(last_line(screen), "reconnecting"));

    server->start();
    screen = tmux.wait_for(
        [](const std::string& s) {
          const auto first = s.find("connected to");
          return first != std::string::npos && s.find("connected to", first + 1) != std::string::npos &&
                 contains(last_line(s), " connected |");
        },
        30s);
    CHECK_MESSAGE(contains(last_line(screen), " connected |"), screen);
    CHECK_MESSAGE(contains(screen, "[ ] tui (you)"), screen);
    tmux.keys({"q"});
  }
}

}  // namespace plenum::test
