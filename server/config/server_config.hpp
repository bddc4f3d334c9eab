// ServerConfig: every startup setting of plenum-server with its default, in one place, grouped
// into slices that are passed down on their own. Plain data, built once by load_config().
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "server/log/logger.hpp"

namespace plenum::server::config {

// Murmur master's name rules (Meta.cpp); ` -=` is the range 0x20..0x3D, so spaces, digits and
// most punctuation are allowed. The whole name must match.
inline constexpr std::string_view kDefaultUsernamePattern = R"([ -=\w\[\]\{\}\(\)\@\|\.]+)";
inline constexpr std::string_view kDefaultChannelNamePattern = R"([ -=\w\#\[\]\{\}\(\)\@\|]+)";

// Listener modes of a plenary channel (DESIGN.md §4).
enum class ListenerMode : std::uint8_t { All, TopK, Mix };
std::string_view to_string(ListenerMode mode) noexcept;
std::optional<ListenerMode> parse_listener_mode(std::string_view text) noexcept;
// A channel's transmit policy (DESIGN.md §4, `/channel transmit`): `any` takes microphones as
// they come; `vad` suggests voice activation to clients; `ptt` suggests push-to-talk and stops
// microphones left open; `auto` is `any` until too many microphones are open at once, then `ptt`.
enum class TransmitPolicy : std::uint8_t { Any, Vad, Ptt, Auto };
std::string_view to_string(TransmitPolicy policy) noexcept;
std::optional<TransmitPolicy> parse_transmit_policy(std::string_view text) noexcept;
std::optional<log::Level> parse_log_level(std::string_view text) noexcept;

struct NetworkConfig {
  std::string host;                  // host: "" = every interface, IPv4 and IPv6
  std::uint16_t port = 64738;        // port: TCP and UDP
  std::chrono::seconds timeout{30};  // timeout: silence on TCP before a client is dropped
  bool allow_ping = true;            // allowping: answer unauthenticated UDP query pings
  // query_*: how many of those pings are answered (voice::QueryLimits). Each reply is larger
  // than its request and goes to an unverified address: uncapped, the server would amplify a
  // spoofed flood at a victim.
  std::uint32_t query_replies_per_second = 1000;  // query_replies_per_second: all sources
  std::uint32_t query_per_source_per_second = 5;  // query_per_source_per_second: one address
  std::uint32_t query_per_source_burst = 20;      // query_per_source_burst: its bucket size
  bool send_version = true;          // sendversion: release/OS strings in Version
  bool operator==(const NetworkConfig&) const = default;
};

struct AccessConfig {
  std::string server_password;  // serverpassword: "" = none
  bool cert_required = false;   // certrequired: reject clients without a certificate
  std::string username_pattern{kDefaultUsernamePattern};  // username
  bool operator==(const AccessConfig&) const = default;
};

struct LimitsConfig {
  // users: concurrent users. 1000, not Murmur's 100: a plenary of 300 with guests and second
  // devices must fit (one descriptor and ~100 KiB each; config/plenum.ini says more).
  std::uint32_t users = 1000;
  std::uint32_t users_per_channel = 0;  // usersperchannel: 0 = unlimited
  std::uint32_t message_limit = 1;      // messagelimit: rate-limited messages per second
  std::uint32_t message_burst = 5;      // messageburst: bucket size
  bool operator==(const LimitsConfig&) const = default;
};

// Murmur's autoban (issue 12, defect 3): an address with `attempts` failed logins within
// `timeframe` is refused for `ban_time`. Memory only: never stored, gone on restart. Unlike
// Murmur, successful logins never count (its autobanSuccessfulConnections=false), so many
// people behind one address are not banned for connecting. attempts = 0 turns it off.
struct AutobanConfig {
  std::uint32_t attempts = 10;           // autobanAttempts
  std::chrono::seconds timeframe{120};   // autobanTimeframe
  std::chrono::seconds ban_time{300};    // autobanTime
  bool operator==(const AutobanConfig&) const = default;
};

struct ChannelConfig {
  std::string root_name = "Plenum";   // registerName: name of the root channel
  std::uint32_t default_channel = 0;  // defaultchannel: where new users land
  bool remember_channel = true;       // rememberchannel: registered users rejoin their last
  std::uint32_t nesting_limit = 10;   // channelnestinglimit
  std::uint32_t count_limit = 1000;   // channelcountlimit
  std::string name_pattern{kDefaultChannelNamePattern};  // channelname
  bool operator==(const ChannelConfig&) const = default;
};

struct TextConfig {
  std::string welcome_text = "Welcome to this Plenum server.";  // welcometext
  std::uint32_t text_message_length = 5000;     // textmessagelength: chars, 0 = unlimited
  std::uint32_t image_message_length = 131072;  // imagemessagelength: chars, 0 = unlimited
  bool allow_html = true;                       // allowhtml
  bool operator==(const TextConfig&) const = default;
};

struct VoiceConfig {
  // bandwidth: bits/s per user. Murmur 1.3.4's and Debian's 72000, not master's 558000: it fits
  // a 40 kbit/s Opus stream in 20 ms packets (54.8 kbit/s with headers) and stops a client from
  // sending hi-fi music to a room of hundreds.
  std::uint32_t bandwidth_bps = 72000;
  // voice_threads: voice shards, each a thread with its own SO_REUSEPORT socket (1..8), or 0 =
  // chosen at startup by voice_threads_for(): 1 on up to 2 cores (the control plane and the
  // audio engine need the other), else one per core but one, at most 4.
  std::uint32_t threads = 0;
  // voice_max_queue_ms: a voice datagram that waited longer in the kernel's receive queue is
  // not forwarded (too late to play; under overload it keeps the delay bounded).
  std::uint32_t max_queue_ms = 80;
  bool operator==(const VoiceConfig&) const = default;
};

// What voice_threads = 0 stands for on a machine with `cores` cores (0: unknown).
constexpr std::uint32_t voice_threads_for(std::uint32_t configured, std::uint32_t cores) noexcept {
  if (configured != 0) return configured;
  if (cores <= 2) return 1;
  return cores - 1 < 4 ? cores - 1 : 4;
}

// [plenary]: defaults for channels that have no per-channel setting in the database.
struct PlenaryConfig {
  ListenerMode mode = ListenerMode::All;  // mode
  std::uint32_t topk = 4;                 // topk: speakers forwarded in topk mode
  std::uint32_t mix_bitrate_bps = 16000;  // mix_bitrate: Opus bitrate of the mix stream
  // gate: dB below full scale under which the voice gate never opens (the speaker's adaptive
  // noise floor may hold it higher). 50 lets a quiet headset through and keeps room hum out.
  std::uint32_t gate_db_below_full_scale = 50;
  TransmitPolicy transmit = TransmitPolicy::Any;  // transmit
  // auto_ptt: `auto` channels switch to push-to-talk above this many open microphones at once.
  std::uint32_t auto_ptt_open_mics = 12;
  bool operator==(const PlenaryConfig&) const = default;
};

// DESIGN.md §5: personal data stays out of logs unless the operator opts in.
struct PrivacyConfig {
  bool log_ip = false;
  bool log_names = false;
  bool operator==(const PrivacyConfig&) const = default;
};

struct StorageConfig {
  std::filesystem::path data_dir = "./data";  // data_dir: database and generated certificate
  std::filesystem::path database;             // database: "" = <data_dir>/plenum.sqlite
  std::filesystem::path database_path() const;
  bool operator==(const StorageConfig&) const = default;
};

// Both empty: a self-signed certificate is generated into data_dir. Only sslCert: the key is
// read from the same file (as Murmur does).
struct TlsConfig {
  std::filesystem::path cert_file;  // sslCert
  std::filesystem::path key_file;   // sslKey
  bool operator==(const TlsConfig&) const = default;
};

struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
  bool generated = false;  // true: the server creates both when they do not exist yet
};

// The browser client (server/web), served on the TLS port to clients that ask for HTTP by ALPN.
struct WebConfig {
  bool enabled = true;  // web
  std::string origins;  // web_origins: other origins allowed to open its WebSocket
  bool operator==(const WebConfig&) const = default;
};

struct ServerConfig {
  NetworkConfig network;
  AccessConfig access;
  LimitsConfig limits;
  AutobanConfig autoban;
  ChannelConfig channels;
  TextConfig text;
  VoiceConfig voice;
  PlenaryConfig plenary;
  PrivacyConfig privacy;
  StorageConfig storage;
  TlsConfig tls;
  WebConfig web;
  log::Level log_level = log::Level::Info;  // log_level: debug|info|warn|error
  // metrics_address: "IP:PORT" of the Prometheus endpoint ("[::1]:PORT" for IPv6); "" = off.
  // Plain HTTP without authentication: loopback, or a port the firewall keeps private.
  std::string metrics_address;

  TlsFiles tls_files() const;
  bool operator==(const ServerConfig&) const = default;
};

}  // namespace plenum::server::config
