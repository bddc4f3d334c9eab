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
  // Real Opus (pre-encoded once): speaker 0 marks onsets at `loudest`, the other tone speakers
  // spread from loudest-6 dB to `quietest`, the last noise_speakers send noise only.
  int speaker_bitrate_bps = 24000;
  double loudest_dbfs = -10;
  double quietest_dbfs = -40;
  std::uint32_t noise_speakers = 0;
  double noise_dbfs = -50;
  bool onset_silent = false;  // the onset speaker is silent, not on a carrier, between bursts

  // Listener modes: mode_listeners of the non-speakers send `/mode listener_mode` after login
  // (mode_by "command"), or the spawned server defaults every channel to it ("config").
  std::string listener_mode = "all";
  std::optional<std::uint32_t> mode_listeners;  // nullopt: every non-speaker
  std::string mode_by = "command";
  std::chrono::milliseconds mode_timeout{15000};
  std::uint32_t decode_listeners = 8;  // mix listeners that decode and analyse the mix

  std::string name_prefix = "load";
  std::string label;
  std::string json_file;  // empty: stdout
  bool quiet = false;
};

// nullopt after printing --help. Throws std::invalid_argument with a one-line message for
// bad or inconsistent flags.
std::optional<LoadOptions> parse_load_options(int argc, const char* const* argv);

}  // namespace plenum::load
