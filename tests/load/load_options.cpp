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
  double warmup = 2, duration = 10, cooldown = 1, connect_timeout = 20;
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
