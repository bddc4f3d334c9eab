// LoadOptions: plenum-load's command line, parsed with Boost.Program_options. Plain value.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plenum::load {

struct LoadOptions {
  // Either an external server (host, port, optional pid for CPU/RSS) ...
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::optional<pid_t> server_pid;
  // ... or one this run starts and stops: "plenum" or "murmur" (tests/support launchers).
  std::string spawn;
  std::string plenum_binary;  // empty: the plenum-server this tree built
  std::string murmur_binary = "/usr/sbin/murmurd";
  std::string server_log;     // spawn: write the server's output here at the end
  std::vector<std::string> server_ini;  // spawn: extra `key=value` ini lines

  std::uint32_t clients = 10;
  std::uint32_t speakers = 1;
  bool connect_only = false;
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds cooldown{1000};
  std::uint32_t connect_concurrency = 8;
  std::chrono::milliseconds connect_timeout{20000};  // per client, TLS to UDP echo
  std::string name_prefix = "load";
  std::string label;
  std::string json_file;  // empty: stdout
  bool quiet = false;
};

// nullopt after printing --help. Throws std::invalid_argument with a one-line message for
// bad or inconsistent flags.
std::optional<LoadOptions> parse_load_options(int argc, const char* const* argv);

}  // namespace plenum::load
