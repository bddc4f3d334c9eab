// The browser client end to end: Debian's chromium (headless, driven by drive.mjs over the
// DevTools protocol) joins a password-protected plenum-server through the page, with a fake
// microphone playing a speech-like WAV. Its speech reaches a headless plenum-cli that records
// it; a second plenum-cli's speech is played by the page (which keeps what it played); a wrong
// password and a ban give clear messages on the page; screenshots of the joined page are kept.
#include "client-cli/audio_io/wav_file.hpp"
#include "tests/support/mumble_test_client.hpp"
#include "tests/support/plenum_process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signal_correlation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <thread>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int kRate = 48000;
constexpr auto kStep = 30s;

void touch(const fs::path& file) { std::ofstream{file} << "go\n"; }

std::string after(const std::optional<LineMatch>& line, const std::string& prefix) {
  if (!line) return {};
  const auto at = line->line.find(prefix);
  return at == std::string::npos ? std::string{} : line->line.substr(at + prefix.size());
}

std::vector<float> read_f32(const fs::path& file) {
  std::ifstream in{file, std::ios::binary};
  std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<float> samples(bytes.size() / sizeof(float));
  std::memcpy(samples.data(), bytes.data(), samples.size() * sizeof(float));
  return samples;
}

// The loudest `seconds` of `recording` (by 20 ms energy, starting 100 ms into the first frame
// above a tenth of the peak energy): the part that carries the speech, without its onset.
std::vector<float> voiced_part(const std::vector<float>& recording, double seconds) {
  constexpr std::size_t kFrame = kRate / 50;
  std::vector<double> energy;
  for (std::size_t at = 0; at + kFrame <= recording.size(); at += kFrame) {
    double sum = 0;
    for (std::size_t i = at; i < at + kFrame; ++i) sum += double(recording[i]) * recording[i];
    energy.push_back(sum);
  }
  if (energy.empty()) return {};
  const double peak = *std::max_element(energy.begin(), energy.end());
  const auto first = std::find_if(energy.begin(), energy.end(), [&](double e) { return e > peak / 10; });
  const std::size_t start = static_cast<std::size_t>(first - energy.begin()) * kFrame + kRate / 10;
  const std::size_t length = static_cast<std::size_t>(seconds * kRate);
  if (start + length > recording.size()) return {};
  return {recording.begin() + static_cast<std::ptrdiff_t>(start),
          recording.begin() + static_cast<std::ptrdiff_t>(start + length)};
}

// A one-pole high-pass at `cutoff_hz`, as WebRTC's capture pipeline applies before echo
// cancellation and noise suppression (its high-pass filter, about 80 Hz).
std::vector<float> high_passed(const std::vector<float>& input, double cutoff_hz) {
  const double rc = 1.0 / (2.0 * M_PI * cutoff_hz);
  const double alpha = rc / (rc + 1.0 / kRate);
  std::vector<float> out(input.size());
  double previous_in = 0, previous_out = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    previous_out = alpha * (previous_out + input[i] - previous_in);
    previous_in = input[i];
    out[i] = static_cast<float>(previous_out);
  }
  return out;
}

// How well `recording` carries `speech`: a 2.5 s voiced part of the recording searched for in
// the speech repeated three times (the fake microphone loops the file from an unknown phase).
Correlation speech_in(const std::vector<float>& speech, const std::vector<float>& recording) {
  const std::vector<float> part = voiced_part(recording, 2.5);
  if (part.empty()) return {};
  std::vector<float> looped;
  for (int i = 0; i < 3; ++i) looped.insert(looped.end(), speech.begin(), speech.end());
  return best_correlation(part, looped);
}

// How well `recording` carries `reference`: a 2.5 s voiced part of the recording searched for
// in the reference.
Correlation carried(const std::vector<float>& reference, const std::vector<float>& recording) {
  const std::vector<float> part = voiced_part(recording, 2.5);
  if (part.empty()) return {};
  return best_correlation(part, reference);
}

// Where each 250 ms window of `recording`'s voiced part best matches `reference` (looped three
// times when `loop`: a fake microphone's file), relative to the first window, and the value
// there: "lag:value" per window. A lag that jumps between voiced windows shows samples lost or
// inserted on the way; a steady lag with low values shows the signal reshaped.
std::string alignment(const std::vector<float>& reference, const std::vector<float>& recording, bool loop) {
  const std::vector<float> part = voiced_part(recording, 2.5);
  if (part.empty()) return "no voiced part";
  std::vector<float> searched;
  for (int i = 0; i < (loop ? 3 : 1); ++i) searched.insert(searched.end(), reference.begin(), reference.end());
  std::string out;
  constexpr std::size_t kWindow = kRate / 4;
  long first_lag = 0;
  for (std::size_t at = 0; at + kWindow <= part.size(); at += kWindow) {
    const std::span<const float> window{part.data() + at, kWindow};
    const Correlation c = best_correlation(window, searched);
    const long lag = c.lag - static_cast<long>(at);
    if (at == 0) first_lag = lag;
    out += std::to_string(lag - first_lag) + ":" + std::to_string(c.value).substr(0, 4) + " ";
  }
  return out;
}

// The median of the best-lag correlations of `recording`'s voiced 250 ms windows in `reference`.
double median_window_correlation(const std::vector<float>& reference, const std::vector<float>& recording) {
  const std::vector<float> part = voiced_part(recording, 2.5);
  if (part.empty()) return 0.0;
  constexpr std::size_t kWindow = kRate / 4;
  std::vector<double> values;
  for (std::size_t at = 0; at + kWindow <= part.size(); at += kWindow)
    values.push_back(best_correlation(std::span<const float>{part.data() + at, kWindow}, reference).value);
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::unique_ptr<ChildProcess> start_cli(std::uint16_t port, const fs::path& dir, const std::string& user,
                                        std::vector<std::string> args) {
  ProcessOptions options;
  options.program = PLENUM_CLI_BINARY;
  options.args = {"--headless", "--server", "127.0.0.1:" + std::to_string(port), "--user", user,
                  "--password", "sesame", "--audio", "none"};
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.env = {{"PLENUM_CLI_HOME", (dir / ("home-" + user)).string()}};
  return std::make_unique<ChildProcess>(std::move(options));
}

constexpr std::uint32_t kPermEnter = 0x4;  // MUMBLE_PROTOCOL.md §2.14

MumbleProto::ACL_ChanACL rule(const std::string& group, std::uint32_t grant, std::uint32_t deny) {
  MumbleProto::ACL_ChanACL entry;
  entry.set_group(group);
  entry.set_grant(grant);
  entry.set_deny(deny);
  entry.set_apply_here(true);
  entry.set_apply_subs(true);
  entry.set_inherited(false);
  return entry;
}

std::unique_ptr<MumbleTestClient> log_in_admin(std::uint16_t port, Handshake& handshake) {
  ClientOptions options;
  options.port = port;
  auto admin = std::make_unique<MumbleTestClient>(options);
  admin->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = "SuperUser";
  request.password = "chair-secret";
  request.udp_ping = false;
  handshake = admin->handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  return admin;
}

// A channel "Board" that only holders of the access token "board-token" may enter (Mumble's
// #token ACL groups), as an invite link's channel would be.
void make_token_channel(std::uint16_t port) {
  Handshake handshake;
  auto admin = log_in_admin(port, handshake);
  MumbleProto::ChannelState create;
  create.set_parent(0);
  create.set_name("Board");
  admin->send(create, deadline_in(kStep));
  const auto created = admin->wait_for<MumbleProto::ChannelState>(
      [](const MumbleProto::ChannelState& s) { return s.has_channel_id() && s.name() == "Board"; },
      deadline_in(kStep));
  REQUIRE(created);
  MumbleProto::ACL acl;
  acl.set_channel_id(created->channel_id());
  acl.set_inherit_acls(true);
  *acl.add_acls() = rule("all", 0, kPermEnter);
  *acl.add_acls() = rule("#board-token", kPermEnter, 0);
  admin->send(acl, deadline_in(kStep));
  REQUIRE(admin->wait_for<MumbleProto::PermissionQuery>(
      [](const MumbleProto::PermissionQuery& q) { return q.flush(); }, deadline_in(kStep)));
}

}  // namespace

TEST_SUITE("web") {
  TEST_CASE("a browser joins by password, talks to and hears plenum-cli, and is told about a wrong password and a ban") {
    const fs::path node_modules = fs::path{PLENUM_WEB_TEST_DIR} / "node_modules" / "puppeteer-core";
    REQUIRE_MESSAGE(fs::exists(node_modules), "scripts/deps installs tests/web/node_modules (npm ci)");
    REQUIRE_MESSAGE(fs::exists("/usr/bin/chromium"), "scripts/deps installs Debian's chromium");
    TempDir dir("plenum-web-");
    const fs::path artifacts = fs::path{PLENUM_WEB_ARTIFACTS};
    fs::create_directories(artifacts);

    PlenumOptions options;
    options.settings.extra_ini = {{"serverpassword", "sesame"}};
    PlenumProcess server{options};
    server.set_superuser_password("chair-secret");
    server.start();
    make_token_channel(server.port());
    const std::vector<float> speech = speech_like_signal(4.0);
    client::write_wav(dir.path() / "speech.wav", speech, kRate);

    auto listener = start_cli(server.port(), dir.path(), "Listener",
                              {"--record", (dir.path() / "listener.wav").string(), "--duration", "90"});
    REQUIRE_MESSAGE(listener->wait_for_line("joined", deadline_in(kStep)), listener->output());

    ProcessOptions browser_options;
    browser_options.program = "/usr/bin/node";
    browser_options.args = {fs::path{PLENUM_WEB_TEST_DIR} / "drive.mjs", "--url",
                            "https://127.0.0.1:" + std::to_string(server.port()) + "/",
                            "--mic", (dir.path() / "speech.wav").string(), "--dir", dir.path().string(),
                            "--artifacts", artifacts.string(), "--password", "sesame"};
    ChildProcess browser{browser_options};
    const auto expect = [&](const std::string& line) {
      auto match = browser.wait_for_line(line, deadline_in(kStep));
      REQUIRE_MESSAGE(match, "no '", line, "' from drive.mjs:\n", browser.output(), "\nserver:\n", server.log());
      return match;
    };
    CHECK(after(expect("prefilled: "), "prefilled: ") == "Ada");       // ?name=Ada
    CHECK(after(expect("join-button: "), "join-button: ") == "Join");
    expect("^joined");

    // The page talks (push-to-talk held for 4 s); the listener records it.
    touch(dir.path() / "go-talk");
    expect("^talked");
    expect("^listening");
    // The speaker's plenum-cli plays the speech once; the page plays what it hears.
    auto speaker = start_cli(server.port(), dir.path(), "Speaker",
                             {"--play", (dir.path() / "speech.wav").string()});
    const auto speaker_done = speaker->wait(deadline_in(kStep));
    REQUIRE_MESSAGE(speaker_done, speaker->output());
    CHECK(speaker_done->clean());
    std::this_thread::sleep_for(500ms);  // the last frames are still in the page's buffer
    touch(dir.path() / "go-dump");
    expect("^dumped");
    CHECK(listener->terminate().clean());

    // Browser -> plenum-cli, against what the page's microphone gave the encoder (captured.f32,
    // the frames it sent). That is "the sample as the browser's echo cancellation, noise
    // suppression and gain control shape it": WebRTC's processing is adaptive and time-varying,
    // so no fixed filter of the file stands for it. Measured in chromium 156 against the file:
    // with the processing off the microphone gives it back exactly (correlation 0.9999, and
    // plenum-cli records 0.95 of it), so the fake device, the resampling and the timing are
    // sound; with echo cancellation alone 0.50, noise suppression alone 0.45, both 0.45 (0.66
    // against the file high-passed at 80 Hz), and that was all the old 0.61-0.65 was.
    const std::vector<float> captured = read_f32(dir.path() / "captured.f32");
    const std::vector<float> recorded = client::read_audio_mono48k(dir.path() / "listener.wav");
    for (const char* name : {"speech.wav", "listener.wav", "captured.f32", "heard.f32"})
      fs::copy_file(dir.path() / name, artifacts / name, fs::copy_options::overwrite_existing);
    // The median over 250 ms windows, each at its best lag: a jitter buffer that drops or
    // conceals one 20 ms frame to keep its delay (seen in about one run in two, an inaudible
    // slip) shifts everything after it, which one lag for all 2.5 s would score like lost speech.
    const Correlation whole = carried(captured, recorded);
    const double sent = median_window_correlation(captured, recorded);
    MESSAGE("browser -> plenum-cli: median window correlation ", sent, " (one lag for all: ", whole.value,
            ") against what the page's microphone gave; windows (lag:value) ",
            sent < 0.75 ? alignment(captured, recorded, false) : "(shown on failure)");
    CHECK(sent >= 0.75);
    // And the microphone gave the speech (as the browser shapes it): the file's own voice, not
    // silence or another sound.
    const Correlation microphone = speech_in(high_passed(speech, 80.0), captured);
    MESSAGE("browser microphone: correlation ", microphone.value, " against the file high-passed at 80 Hz; ",
            "windows ", microphone.value < 0.5 ? alignment(high_passed(speech, 80.0), captured, true) : "(shown on failure)");
    CHECK(microphone.value >= 0.5);
    // plenum-cli -> browser: what the page's playback worklet played.
    const std::vector<float> heard = read_f32(dir.path() / "heard.f32");
    // The same median over windows: the page's jitter buffer also drops or waits a frame now
    // and then (measured one lag for all: 0.93 in most runs, 0.64 in one with such a slip).
    const Correlation heard_whole = speech_in(speech, heard);
    const double received = median_window_correlation(speech, heard);
    MESSAGE("plenum-cli -> browser: median window correlation ", received, " (one lag for all: ",
            heard_whole.value, ") over ", heard.size() / kRate, " s played; windows ",
            received < 0.75 ? alignment(speech, heard, false) : "(shown on failure)");
    CHECK(received >= 0.75);

    expect("^screenshots");
    CHECK(fs::file_size(artifacts / "web-joined-1280x800.png") > 1000);
    CHECK(fs::file_size(artifacts / "web-joined-360x740.png") > 1000);
    const std::string wrong = after(expect("^wrong-password: "), "wrong-password: ");
    CHECK(wrong.find("Wrong password") != std::string::npos);

    // A link with the access token enters the protected channel; without it, the page stays
    // out and says why.
    CHECK(after(expect("^token-link: "), "token-link: ") == "Board");
    const std::string refused = after(expect("^no-token-link: "), "no-token-link: ");
    CHECK(refused.find("Root") == 0);
    CHECK(refused.find("Permission denied") != std::string::npos);

    // An admin bans Ada (the page's user has no certificate, so its address is banned).
    expect("^ready-for-ban");
    Handshake handshake;
    auto admin_client = log_in_admin(server.port(), handshake);
    MumbleTestClient& admin = *admin_client;
    std::optional<std::uint32_t> ada;
    std::string users;
    for (const auto& [session, user] : handshake.model.users) {
      users += user.name() + " ";
      if (user.name() == "Ada") ada = session;
    }
    REQUIRE_MESSAGE(ada, "users: ", users, "\ndrive.mjs:\n", browser.output(), "\nserver:\n", server.log());
    MumbleProto::UserRemove ban;
    ban.set_session(*ada);
    ban.set_ban(true);
    ban.set_reason("disrupting the meeting");
    admin.send(ban, deadline_in(kStep));
    const std::string kicked = after(expect("^kicked: "), "kicked: ");
    CHECK(kicked.find("banned") != std::string::npos);
    CHECK(kicked.find("disrupting the meeting") != std::string::npos);
    const std::string banned = after(expect("^banned: "), "banned: ");
    CHECK(banned == "You are banned from this server.");
    expect("^done");
    const auto browser_done = browser.wait(deadline_in(kStep));
    REQUIRE(browser_done);
    CHECK_MESSAGE(browser_done->clean(), browser.output());
  }
}

}  // namespace plenum::test
