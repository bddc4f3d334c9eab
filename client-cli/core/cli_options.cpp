#include "client-cli/core/cli_options.hpp"

#include <boost/program_options.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>

namespace plenum::client {
namespace {

namespace po = boost::program_options;

po::options_description visible_options() {
  po::options_description options("plenum-cli options");
  options.add_options()
      ("help,h", "show this help")
      ("server", po::value<std::string>(), "HOST[:PORT] of the server (default port 64738)")
      ("user", po::value<std::string>(), "user name (default: $USER)")
      ("password", po::value<std::string>(), "server or account password")
      ("channel", po::value<std::string>(), "channel path to join, e.g. Plenary/Room 1")
      ("cert", po::value<std::string>(), "client certificate + key PEM file")
      ("trust-new-cert", "accept a server certificate that changed since last time")
      ("headless", "no TUI: connect, play/record, exit (for scripts)")
      ("play", po::value<std::string>(), "sound file to transmit (headless)")
      ("record", po::value<std::string>(), "WAV file for everything heard (headless)")
      ("duration", po::value<double>(), "seconds to stay after joining (headless)")
      ("transmit", po::value<std::string>(), "continuous | vad | ptt")
      ("mode", po::value<std::string>(), "listener mode on Plenum: all | topk | mix")
      ("bitrate", po::value<int>(), "Opus bitrate in bit/s (fitted to the server's limit)")
      ("audio", po::value<std::string>(),
       "pulse | none: live microphone and speaker, used where no --play/--record file is "
       "given (default: pulse in the TUI, none headless)")
      ("stats", po::value<std::string>(), "JSON file for packet statistics (headless)");
  return options;
}

po::options_description hidden_options() {
  po::options_description options;
  options.add_options()
      ("url", po::value<std::string>(), "mumble:// URL")
      ("no-udp", "never use UDP (tests of the TCP tunnel)");
  return options;
}

TransmitMode parse_transmit(const std::string& text) {
  if (text == "continuous") {
    return TransmitMode::Continuous;
  }
  if (text == "vad") {
    return TransmitMode::VoiceActivity;
  }
  if (text == "ptt") {
    return TransmitMode::PushToTalk;
  }
  throw CliError(fmt::format("--transmit must be continuous, vad or ptt, not '{}'", text));
}

AudioBackend parse_audio(const std::string& text) {
  if (text == "pulse") {
    return AudioBackend::Pulse;
  }
  if (text == "none") {
    return AudioBackend::None;
  }
  throw CliError(fmt::format("--audio must be pulse or none, not '{}'", text));
}

ListenerMode parse_mode(const std::string& text) {
  if (text == "all") {
    return ListenerMode::All;
  }
  if (text == "topk") {
    return ListenerMode::TopK;
  }
  if (text == "mix") {
    return ListenerMode::Mix;
  }
  throw CliError(fmt::format("--mode must be all, topk or mix, not '{}'", text));
}

std::string default_user() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "plenum-cli";
}

void apply_values(const po::variables_map& vm, CliOptions& out) {
  const auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  if (vm.count("server")) {
    out.server = parse_host_port(text("server"));
  }
  if (vm.count("user")) {
    out.user = text("user");
  }
  if (vm.count("password")) {
    out.password = text("password");
  }
  if (vm.count("channel")) {
    out.channel = text("channel");
  }
  if (vm.count("cert")) {
    out.cert_file = text("cert");
  }
  out.trust_new_cert = vm.count("trust-new-cert") > 0;
  out.headless = vm.count("headless") > 0;
  if (vm.count("play")) {
    out.play = text("play");
  }
  if (vm.count("record")) {
    out.record = text("record");
  }
  if (vm.count("stats")) {
    out.stats = text("stats");
  }
  if (vm.count("duration")) {
    out.duration_s = vm["duration"].as<double>();
    if (!(*out.duration_s > 0.0)) {
      throw CliError("--duration must be a positive number of seconds");
    }
  }
  out.transmit = vm.count("transmit") ? parse_transmit(text("transmit"))
                 : out.headless       ? TransmitMode::Continuous
                                      : TransmitMode::PushToTalk;
  if (vm.count("mode")) {
    out.mode = parse_mode(text("mode"));
  }
  if (vm.count("bitrate")) {
    out.bitrate_bps = vm["bitrate"].as<int>();
    if (out.bitrate_bps < 6000 || out.bitrate_bps > 510000) {
      throw CliError("--bitrate must be between 6000 and 510000 bit/s");
    }
  }
  out.audio = vm.count("audio")  ? parse_audio(text("audio"))
              : out.headless     ? AudioBackend::None
                                 : AudioBackend::Pulse;
  const char* no_udp = std::getenv("PLENUM_CLI_NO_UDP");
  out.udp_enabled = vm.count("no-udp") == 0 && !(no_udp != nullptr && std::string(no_udp) == "1");
}

}  // namespace

CliOptions parse_command_line(int argc, const char* const argv[]) {
  po::options_description all;
  all.add(visible_options()).add(hidden_options());
  po::positional_options_description positional;
  positional.add("url", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    throw CliError(error.what());
  }
  CliOptions out;
  if (vm.count("help")) {
    out.help = true;
    return out;
  }
  bool have_server = false;
  try {
    if (vm.count("url")) {
      const ServerUrl url = parse_mumble_url(vm["url"].as<std::string>());
      out.server = url.server;
      out.user = url.user.value_or("");
      out.password = url.password.value_or("");
      out.channel = url.channel_path;
      have_server = true;
    }
    have_server = have_server || vm.count("server") > 0;
    apply_values(vm, out);
  } catch (const std::invalid_argument& error) {
    throw CliError(error.what());
  }
  if (!have_server) {
    throw CliError("no server given: pass a mumble:// URL or --server HOST:PORT");
  }
  if (out.user.empty()) {
    out.user = default_user();
  }
  return out;
}

std::string usage_text() {
  std::ostringstream out;
  out << "usage: plenum-cli [mumble://USER@HOST:PORT/CHANNEL/PATH] [options]\n\n"
      << visible_options();
  return out.str();
}

std::string_view to_string(TransmitMode mode) noexcept {
  switch (mode) {
    case TransmitMode::Continuous: return "continuous";
    case TransmitMode::VoiceActivity: return "vad";
    case TransmitMode::PushToTalk: return "ptt";
  }
  return "continuous";
}

std::string_view to_string(ListenerMode mode) noexcept {
  switch (mode) {
    case ListenerMode::All: return "all";
    case ListenerMode::TopK: return "topk";
    case ListenerMode::Mix: return "mix";
  }
  return "all";
}

std::string_view to_string(AudioBackend backend) noexcept {
  return backend == AudioBackend::Pulse ? "pulse" : "none";
}

}  // namespace plenum::client
