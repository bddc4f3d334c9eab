#include "tests/load/load_options.hpp"

#include "tests/load/parse_command_line.hpp"

#include <boost/program_options.hpp>

#include <stdexcept>

namespace plenum::load {
namespace po = boost::program_options;
namespace {

std::chrono::milliseconds seconds_flag(double seconds, const char* name) {
  if (!(seconds >= 0) || seconds > 86400) {
    throw std::invalid_argument(std::string("--") + name + " must be between 0 and 86400 s");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

void set_server(LoadOptions& options, const std::string& server) {
  const auto colon = server.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("--server must be HOST:PORT, got '" + server + "'");
  }
  const unsigned long port = std::stoul(server.substr(colon + 1));
  if (port == 0 || port > 65535) {
    throw std::invalid_argument("--server port out of range in '" + server + "'");
  }
  options.host = server.substr(0, colon);
  options.port = static_cast<std::uint16_t>(port);
}

}  // namespace

std::optional<LoadOptions> parse_load_options(int argc, const char* const* argv) {
  LoadOptions o;
  std::string server;
  int pid = 0;
  double warmup = 2, duration = 10, cooldown = 1, connect_timeout = 20, mode_timeout = 15;
  std::string tone_levels = "-10:-40";
  std::uint32_t mode_listeners = 0;
  po::options_description desc("plenum-load: simulated Mumble clients against a server");
  desc.add_options()
    ("help,h", "this text")
    ("server", po::value(&server), "HOST:PORT of a running server")
    ("server-pid", po::value(&pid), "its pid, for CPU and RSS readings")
    ("spawn", po::value(&o.spawn), "start the server for this run: plenum | murmur")
    ("plenum-binary", po::value(&o.plenum_binary), "plenum-server to --spawn")
    ("murmur-binary", po::value(&o.murmur_binary)->default_value(o.murmur_binary), "murmurd")
    ("server-ini", po::value(&o.server_ini)->composing(), "extra key=value for its ini")
    ("server-log", po::value(&o.server_log), "write the spawned server's output here")
    ("clients", po::value(&o.clients)->default_value(o.clients), "simulated clients")
    ("speakers", po::value(&o.speakers)->default_value(o.speakers), "of them speaking")
    ("connect-only", po::bool_switch(&o.connect_only), "connect, measure RSS, no voice")
    ("warmup", po::value(&warmup)->default_value(warmup), "seconds of voice before measuring")
    ("duration", po::value(&duration)->default_value(duration), "measurement window, seconds")
    ("cooldown", po::value(&cooldown)->default_value(cooldown), "seconds to await late packets")
    ("connect-concurrency", po::value(&o.connect_concurrency)->default_value(o.connect_concurrency),
     "clients logging in at the same time")
    ("connect-timeout", po::value(&connect_timeout)->default_value(connect_timeout),
     "seconds per client from TCP connect to the first UDP echo")
    ("speaker-bitrate", po::value(&o.speaker_bitrate_bps)->default_value(o.speaker_bitrate_bps),
     "Opus bit/s of the speakers' pre-encoded frames")
    ("tone-levels", po::value(&tone_levels)->default_value(tone_levels),
     "LOUDEST:QUIETEST dBFS: the onset speaker at LOUDEST, the others spread from LOUDEST-6 down")
    ("noise-speakers", po::value(&o.noise_speakers)->default_value(o.noise_speakers),
     "of the speakers, this many (the last) send white noise only")
    ("noise-level", po::value(&o.noise_dbfs)->default_value(o.noise_dbfs), "their RMS dBFS")
    ("onset-silent", po::bool_switch(&o.onset_silent),
     "the onset speaker sends silence between bursts instead of its carrier tone")
    ("listener-mode", po::value(&o.listener_mode)->default_value(o.listener_mode),
     "all | topk | mix: the mode measured listeners are put in")
    ("mix-listeners", po::value(&mode_listeners),
     "non-speakers switching to --listener-mode (default: all of them)")
    ("mode-by", po::value(&o.mode_by)->default_value(o.mode_by),
     "command: they send /mode as a text message; config: the spawned server's [plenary] mode")
    ("mode-timeout", po::value(&mode_timeout)->default_value(mode_timeout),
     "seconds to wait for the modes to take effect")
    ("decode-listeners", po::value(&o.decode_listeners)->default_value(o.decode_listeners),
     "mix listeners that decode the mix (level, tones, onset latency)")
    ("name-prefix", po::value(&o.name_prefix)->default_value(o.name_prefix), "user names")
    ("label", po::value(&o.label), "scenario name copied into the JSON")
    ("json", po::value(&o.json_file), "write the JSON report here (default: stdout)")
    ("quiet,q", po::bool_switch(&o.quiet), "no progress lines on stderr");

  po::variables_map vm;
  if (!parse_command_line(argc, argv, desc, vm)) {
    return std::nullopt;
  }
  if (server.empty() == o.spawn.empty()) {
    throw std::invalid_argument("give exactly one of --server HOST:PORT and --spawn plenum|murmur");
  }
  if (!server.empty()) {
    set_server(o, server);
  } else if (o.spawn != "plenum" && o.spawn != "murmur") {
    throw std::invalid_argument("--spawn must be plenum or murmur, got '" + o.spawn + "'");
  }
  if (vm.count("server-pid") != 0) {
    if (pid <= 0) {
      throw std::invalid_argument("--server-pid must be positive");
    }
    o.server_pid = static_cast<pid_t>(pid);
  }
  if (o.clients == 0 || o.speakers > o.clients || o.connect_concurrency == 0) {
    throw std::invalid_argument("need 0 < --clients, --speakers <= --clients, --connect-concurrency > 0");
  }
  if (o.connect_only) {
    o.speakers = 0;
  }
  const auto colon = tone_levels.find(':');
  try {
    if (colon == std::string::npos) {
      throw std::invalid_argument("");
    }
    o.loudest_dbfs = std::stod(tone_levels.substr(0, colon));
    o.quietest_dbfs = std::stod(tone_levels.substr(colon + 1));
  } catch (const std::exception&) {
    throw std::invalid_argument("--tone-levels must be LOUDEST:QUIETEST in dBFS, got '" + tone_levels + "'");
  }
  if (o.loudest_dbfs > 0 || o.quietest_dbfs > o.loudest_dbfs || o.quietest_dbfs < -90 ||
      o.noise_dbfs > 0 || o.noise_dbfs < -90) {
    throw std::invalid_argument("levels must satisfy -90 <= QUIETEST <= LOUDEST <= 0 dBFS");
  }
  if (o.speaker_bitrate_bps < 6000 || o.speaker_bitrate_bps > 510000) {
    throw std::invalid_argument("--speaker-bitrate must be 6000..510000");
  }
  if (o.noise_speakers > o.speakers) {
    throw std::invalid_argument("--noise-speakers must be <= --speakers");
  }
  if (o.listener_mode != "all" && o.listener_mode != "topk" && o.listener_mode != "mix") {
    throw std::invalid_argument("--listener-mode must be all, topk or mix");
  }
  if (o.mode_by != "command" && o.mode_by != "config") {
    throw std::invalid_argument("--mode-by must be command or config");
  }
  if (o.mode_by == "config") {
    if (o.spawn == "murmur" && o.listener_mode != "all") {
      throw std::invalid_argument("--mode-by config needs a Plenum server (Murmur has no [plenary])");
    }
    if (o.spawn == "plenum") {
      o.server_ini.push_back("plenary.mode=" + o.listener_mode);
    }
  }
  if (vm.count("mix-listeners") != 0) {
    if (mode_listeners > o.clients - o.speakers) {
      throw std::invalid_argument("--mix-listeners must be <= --clients - --speakers");
    }
    o.mode_listeners = mode_listeners;
  }
  o.mode_timeout = seconds_flag(mode_timeout, "mode-timeout");
  o.warmup = seconds_flag(warmup, "warmup");
  o.duration = seconds_flag(duration, "duration");
  o.cooldown = seconds_flag(cooldown, "cooldown");
  o.connect_timeout = seconds_flag(connect_timeout, "connect-timeout");
  if (o.label.empty()) {
    o.label = std::to_string(o.clients) + "/" + std::to_string(o.speakers);
  }
  return o;
}

}  // namespace plenum::load
