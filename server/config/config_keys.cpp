#include "server/config/config_keys.hpp"

#include <fmt/core.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/config/origin_list.hpp"
#include "server/config/pattern_check.hpp"

namespace plenum::server::config {

namespace {

template <class Access>
using FieldOf =
    std::remove_cvref_t<decltype(std::declval<Access>()(std::declval<ServerConfig&>()))>;

template <class T>
struct IsDuration : std::false_type {};
template <class Rep, class Period>
struct IsDuration<std::chrono::duration<Rep, Period>> : std::true_type {};

template <class T>
std::uint64_t to_count(const T& value) {
  if constexpr (IsDuration<T>::value) {
    return static_cast<std::uint64_t>(value.count());
  } else {
    return value;
  }
}

template <class T>
T from_count(std::uint64_t count) {
  if constexpr (IsDuration<T>::value) {
    return T{static_cast<typename T::rep>(count)};
  } else {
    return static_cast<T>(count);
  }
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::optional<bool> parse_bool(std::string_view text) noexcept {
  for (const std::string_view yes : {"true", "1", "yes", "on"}) {
    if (equals_ignoring_case(text, yes)) return true;
  }
  for (const std::string_view no : {"false", "0", "no", "off"}) {
    if (equals_ignoring_case(text, no)) return false;
  }
  return std::nullopt;
}

template <class Access>
ConfigKey number_key(std::string_view name, Access access, std::uint64_t min, std::uint64_t max) {
  using Field = FieldOf<Access>;
  const std::string range = fmt::format("({}..{})", min, max);
  auto in_range = [=](std::uint64_t value) -> Problem {
    if (value < min || value > max) return "is out of range " + range;
    return std::nullopt;
  };
  ConfigKey key{name, {}, {}, {}, false};
  key.set = [=](ServerConfig& config, std::string_view text) -> Problem {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range && end == text.data() + text.size()) {
      return "is out of range " + range;
    }
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
      return "is not a number " + range;
    }
    if (Problem problem = in_range(value)) return problem;
    access(config) = from_count<Field>(value);
    return std::nullopt;
  };
  key.format = [=](const ServerConfig& config) { return std::to_string(to_count(access(config))); };
  key.check = [=](const ServerConfig& config) { return in_range(to_count(access(config))); };
  return key;
}

template <class Access>
ConfigKey bool_key(std::string_view name, Access access) {
  ConfigKey key{name, {}, {}, {}, false};
  key.set = [=](ServerConfig& config, std::string_view text) -> Problem {
    const std::optional<bool> value = parse_bool(text);
    if (!value) return "is not a boolean (true|false)";
    access(config) = *value;
    return std::nullopt;
  };
  key.format = [=](const ServerConfig& config) -> std::string {
    return access(config) ? "true" : "false";
  };
  key.check = [](const ServerConfig&) -> Problem { return std::nullopt; };
  return key;
}

// Free text or a path. `rule` checks the text; the config keeps its old value when it fails.
template <class Access, class Rule>
ConfigKey text_key(std::string_view name, Access access, Rule rule) {
  using Field = FieldOf<Access>;
  ConfigKey key{name, {}, {}, {}, true};
  key.set = [=](ServerConfig& config, std::string_view text) -> Problem {
    if (Problem problem = rule(text)) return problem;
    access(config) = Field(std::string{text});
    return std::nullopt;
  };
  key.format = [=](const ServerConfig& config) -> std::string {
    if constexpr (std::is_same_v<Field, std::filesystem::path>) {
      return access(config).string();
    } else {
      return access(config);
    }
  };
  key.check = [=](const ServerConfig& config) -> Problem {
    if constexpr (std::is_same_v<Field, std::filesystem::path>) {
      return rule(access(config).string());
    } else {
      return rule(access(config));
    }
  };
  return key;
}

template <class Access, class Parse, class Print>
ConfigKey enum_key(std::string_view name, Access access, Parse parse, Print print,
                   std::string_view choices) {
  ConfigKey key{name, {}, {}, {}, false};
  key.set = [=](ServerConfig& config, std::string_view text) -> Problem {
    const auto value = parse(text);
    if (!value) return fmt::format("is not one of {}", choices);
    access(config) = *value;
    return std::nullopt;
  };
  key.format = [=](const ServerConfig& config) { return std::string{print(access(config))}; };
  key.check = [](const ServerConfig&) -> Problem { return std::nullopt; };
  return key;
}

Problem any_text(std::string_view) { return std::nullopt; }

Problem non_empty(std::string_view text) {
  if (text.empty()) return "must not be empty";
  return std::nullopt;
}

// "" (every interface), an IPv4/IPv6 literal (with an optional %scope) or a DNS name.
Problem host_text(std::string_view text) {
  const bool plausible = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == ':' || c == '-' || c == '_' || c == '%';
  });
  if (!plausible) return "is not an address or host name";
  return std::nullopt;
}

Problem name_pattern(std::string_view text) { return name_pattern_problem(text); }

// "" (off), "IPv4:PORT" or "[IPv6]:PORT" with literal addresses: the exposer binds what it is
// given and resolves no names.
Problem metrics_address_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::string_view kShape = "is not IP:PORT (e.g. 127.0.0.1:9477 or [::1]:9477)";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return std::string{kShape};
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return std::string{kShape};
  }
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  std::array<unsigned char, 16> address{};
  const std::string host_text{host};
  const int family = bracketed ? AF_INET6 : AF_INET;
  if (::inet_pton(family, host_text.c_str(), address.data()) != 1) return std::string{kShape};
  return std::nullopt;
}

Problem origin_list(std::string_view text) {
  if (!parse_origin_list(text)) return "is not a list of origins (https://host[:port] ...)";
  return std::nullopt;
}

// Where a key's value lives; works on const and non-const configs alike.
// clang-format off
#define PLENUM_FIELD(path) [](auto& c) -> auto& { return c.path; }
// clang-format on

std::vector<ConfigKey> make_keys() {
  constexpr std::uint64_t kU32 = 0xFFFF'FFFFU;
  constexpr std::uint64_t kMaxMessageLength = 16U * 1024U * 1024U;
  std::vector<ConfigKey> keys;
  // Network
  keys.push_back(text_key("host", PLENUM_FIELD(network.host), host_text));
  // 0: any free port, chosen by the kernel and printed in the listening line (tests, scripts).
  keys.push_back(number_key("port", PLENUM_FIELD(network.port), 0, 65535));
  keys.push_back(number_key("timeout", PLENUM_FIELD(network.timeout), 1, 3600));
  keys.push_back(bool_key("allowping", PLENUM_FIELD(network.allow_ping)));
  // A million replies a second would already saturate a gigabit link with reflected traffic.
  keys.push_back(number_key("query_replies_per_second",
                            PLENUM_FIELD(network.query_replies_per_second), 1, 1'000'000));
  keys.push_back(number_key("query_per_source_per_second",
                            PLENUM_FIELD(network.query_per_source_per_second), 1, 10'000));
  keys.push_back(number_key("query_per_source_burst", PLENUM_FIELD(network.query_per_source_burst),
                            1, 100'000));
  keys.push_back(bool_key("sendversion", PLENUM_FIELD(network.send_version)));
  // Access
  keys.push_back(text_key("serverpassword", PLENUM_FIELD(access.server_password), any_text));
  keys.push_back(bool_key("certrequired", PLENUM_FIELD(access.cert_required)));
  keys.push_back(text_key("username", PLENUM_FIELD(access.username_pattern), name_pattern));
  // Limits
  keys.push_back(number_key("users", PLENUM_FIELD(limits.users), 1, 1'000'000));
  keys.push_back(
      number_key("usersperchannel", PLENUM_FIELD(limits.users_per_channel), 0, 1'000'000));
  keys.push_back(number_key("messagelimit", PLENUM_FIELD(limits.message_limit), 1, 1000));
  keys.push_back(number_key("messageburst", PLENUM_FIELD(limits.message_burst), 1, 1000));
  // Autoban (Murmur's keys)
  keys.push_back(number_key("autobanAttempts", PLENUM_FIELD(autoban.attempts), 0, 1'000'000));
  keys.push_back(number_key("autobanTimeframe", PLENUM_FIELD(autoban.timeframe), 1, 86'400));
  keys.push_back(number_key("autobanTime", PLENUM_FIELD(autoban.ban_time), 1, 31'536'000));
  // Channels
  keys.push_back(text_key("registerName", PLENUM_FIELD(channels.root_name), non_empty));
  keys.push_back(number_key("defaultchannel", PLENUM_FIELD(channels.default_channel), 0, kU32));
  keys.push_back(bool_key("rememberchannel", PLENUM_FIELD(channels.remember_channel)));
  keys.push_back(number_key("channelnestinglimit", PLENUM_FIELD(channels.nesting_limit), 1, 1000));
  keys.push_back(number_key("channelcountlimit", PLENUM_FIELD(channels.count_limit), 1, 1'000'000));
  keys.push_back(text_key("channelname", PLENUM_FIELD(channels.name_pattern), name_pattern));
  // Text
  keys.push_back(text_key("welcometext", PLENUM_FIELD(text.welcome_text), any_text));
  keys.push_back(number_key("textmessagelength", PLENUM_FIELD(text.text_message_length), 0,
                            kMaxMessageLength));
  keys.push_back(number_key("imagemessagelength", PLENUM_FIELD(text.image_message_length), 0,
                            kMaxMessageLength));
  keys.push_back(bool_key("allowhtml", PLENUM_FIELD(text.allow_html)));
  // Voice
  keys.push_back(number_key("bandwidth", PLENUM_FIELD(voice.bandwidth_bps), 8000, 10'000'000));
  keys.push_back(number_key("voice_threads", PLENUM_FIELD(voice.threads), 0, 8));
  keys.push_back(number_key("voice_max_queue_ms", PLENUM_FIELD(voice.max_queue_ms), 20, 60'000));
  // Storage and TLS
  keys.push_back(text_key("data_dir", PLENUM_FIELD(storage.data_dir), non_empty));
  keys.push_back(text_key("database", PLENUM_FIELD(storage.database), any_text));
  keys.push_back(text_key("sslCert", PLENUM_FIELD(tls.cert_file), any_text));
  keys.push_back(text_key("sslKey", PLENUM_FIELD(tls.key_file), any_text));
  // Web client
  keys.push_back(bool_key("web", PLENUM_FIELD(web.enabled)));
  keys.push_back(text_key("web_origins", PLENUM_FIELD(web.origins), origin_list));
  // Logging and privacy
  keys.push_back(enum_key(
      "log_level", PLENUM_FIELD(log_level), parse_log_level,
      [](log::Level l) { return log::to_string(l); }, "debug|info|warn|error"));
  keys.push_back(bool_key("log_ip", PLENUM_FIELD(privacy.log_ip)));
  keys.push_back(bool_key("log_names", PLENUM_FIELD(privacy.log_names)));
  // Metrics
  keys.push_back(text_key("metrics_address", PLENUM_FIELD(metrics_address), metrics_address_text));
  // [plenary]
  keys.push_back(enum_key(
      "plenary.mode", PLENUM_FIELD(plenary.mode), parse_listener_mode,
      [](ListenerMode m) { return to_string(m); }, "all|topk|mix"));
  keys.push_back(number_key("plenary.topk", PLENUM_FIELD(plenary.topk), 1, 32));
  // Opus's own bitrate range.
  keys.push_back(
      number_key("plenary.mix_bitrate", PLENUM_FIELD(plenary.mix_bitrate_bps), 6000, 510000));
  keys.push_back(
      number_key("plenary.gate", PLENUM_FIELD(plenary.gate_db_below_full_scale), 0, 90));
  keys.push_back(enum_key(
      "plenary.transmit", PLENUM_FIELD(plenary.transmit), parse_transmit_policy,
      [](TransmitPolicy p) { return to_string(p); }, "any|vad|ptt|auto"));
  keys.push_back(number_key("plenary.auto_ptt", PLENUM_FIELD(plenary.auto_ptt_open_mics), 1, 1000));
  return keys;
}

#undef PLENUM_FIELD

}  // namespace

std::span<const ConfigKey> config_keys() {
  static const std::vector<ConfigKey> keys = make_keys();
  return keys;
}

const ConfigKey* find_config_key(std::string_view name) noexcept {
  const auto keys = config_keys();
  const auto it = std::find_if(keys.begin(), keys.end(),
                               [&](const ConfigKey& key) { return key.name == name; });
  return it == keys.end() ? nullptr : &*it;
}

}  // namespace plenum::server::config
