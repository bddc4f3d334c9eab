// The plenum-cli command line (DESIGN.md §6) as typed options, parsed with
// Boost.Program_options. Startup path: errors throw CliError with a one-line message.
#pragma once

#include "client-cli/core/server_url.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace plenum::client {

class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TransmitMode { Continuous, VoiceActivity, PushToTalk };
// How the server should feed us a busy channel (Plenum only; DESIGN.md §4).
enum class ListenerMode { All, TopK, Mix };
// Live microphone and speaker: PulseAudio, or none (files only).
enum class AudioBackend { None, Pulse };

struct CliOptions {
  HostPort server;
  std::string user;
  std::string password;
  std::string channel;
  std::optional<std::filesystem::path> cert_file;
  bool trust_new_cert = false;
  bool headless = false;
  std::optional<std::filesystem::path> play;
  std::optional<std::filesystem::path> record;
  std::optional<std::filesystem::path> stats;
  std::optional<double> duration_s;
  TransmitMode transmit = TransmitMode::Continuous;
  ListenerMode mode = ListenerMode::All;
  int bitrate_bps = 40000;
  AudioBackend audio = AudioBackend::None;  // --audio; defaults to pulse in the TUI
  bool udp_enabled = true;  // hidden --no-udp, or PLENUM_CLI_NO_UDP=1: tunnel only
  bool help = false;
};

// Parses argv. Flags override what the mumble:// URL says. --transmit defaults to continuous
// in headless mode and ptt in the TUI; --audio to none in headless mode and pulse in the TUI.
// A missing server, bad values and unknown options throw.
CliOptions parse_command_line(int argc, const char* const argv[]);

// The --help text.
std::string usage_text();

std::string_view to_string(TransmitMode mode) noexcept;
std::string_view to_string(ListenerMode mode) noexcept;
std::string_view to_string(AudioBackend backend) noexcept;

}  // namespace plenum::client
