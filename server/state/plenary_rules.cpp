#include "server/state/plenary_rules.hpp"

#include "server/state/server_state.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>

namespace plenum::server::state {

namespace {

constexpr std::array<std::string_view, 8> kSettingKeys = {"mode",     "topk",      "bitrate", "gate",
                                                          "transmit", "moderated", "queue",   "time"};
constexpr std::uint32_t kMaxTimeLimitS = 24 * 3600;

std::optional<std::uint32_t> parse_number(std::string_view text) noexcept {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

SettingChange refused(std::string error) { return SettingChange{std::nullopt, std::move(error)}; }

// Sets an optional number field from VALUE (`default` clears it) within [low, high].
SettingChange set_number(PlenarySettings settings, std::optional<std::uint32_t> PlenarySettings::*field,
                         std::string_view key, std::string_view value, std::uint32_t low, std::uint32_t high,
                         std::string_view unit) {
  if (value == "default") {
    settings.*field = std::nullopt;
    return SettingChange{settings, {}};
  }
  const auto number = parse_number(value);
  if (!number || *number < low || *number > high) {
    return refused(fmt::format("{} must be a number from {} to {}{} (or default).", key, low, high, unit));
  }
  settings.*field = *number;
  return SettingChange{settings, {}};
}

template <class T>
std::string shown(const std::optional<T>& own, const T& fallback, std::string (*text)(const T&)) {
  return own ? text(*own) : text(fallback) + " (server default)";
}

std::string mode_text(const config::ListenerMode& mode) { return std::string{config::to_string(mode)}; }
std::string transmit_text(const config::TransmitPolicy& policy) { return std::string{config::to_string(policy)}; }
std::string bitrate_text(const std::uint32_t& bps) { return fmt::format("{} bit/s", bps); }
std::string gate_text(const std::uint32_t& db) { return fmt::format("-{} dBFS", db); }
std::string number_text(const std::uint32_t& n) { return std::to_string(n); }

}  // namespace

std::string_view to_string(PlenaryRole role) noexcept {
  switch (role) {
    case PlenaryRole::Member: return "member";
    case PlenaryRole::Chair: return "chair";
    case PlenaryRole::Admin: return "admin";
  }
  return "member";
}

bool has_role(const ServerState& state, SessionId session, ChannelId channel, PlenaryRole role) {
  switch (role) {
    case PlenaryRole::Member: return state.users().find(session) != nullptr;
    // Write implies MuteDeafen in the permission computation already.
    case PlenaryRole::Chair: return state.has_permission(session, channel, Permission::MuteDeafen);
    case PlenaryRole::Admin: return state.has_permission(session, channel, Permission::Write);
  }
  return false;
}

std::string_view to_string(QueuePolicy policy) noexcept {
  return policy == QueuePolicy::FirstTimeFirst ? "first-time-first" : "fifo";
}

std::optional<QueuePolicy> parse_queue_policy(std::string_view text) noexcept {
  if (text == "fifo") return QueuePolicy::Fifo;
  if (text == "first-time-first") return QueuePolicy::FirstTimeFirst;
  return std::nullopt;
}

std::span<const std::string_view> setting_keys() noexcept { return kSettingKeys; }

SettingChange change_setting(PlenarySettings current, std::string_view key, std::string_view value) {
  if (key == "mode") {
    if (value == "default") {
      current.mode = std::nullopt;
    } else if (const auto mode = config::parse_listener_mode(value)) {
      current.mode = *mode;
    } else {
      return refused("mode must be all, topk or mix (or default).");
    }
    return SettingChange{current, {}};
  }
  if (key == "topk") return set_number(current, &PlenarySettings::topk, key, value, kMinTopK, kMaxTopK, "");
  if (key == "bitrate") {
    return set_number(current, &PlenarySettings::mix_bitrate_bps, key, value, kMinMixBitrate, kMaxMixBitrate,
                      " bit/s");
  }
  if (key == "gate") {
    return set_number(current, &PlenarySettings::gate_db_below_full_scale, key, value, 0, kMaxGateDb,
                      " dB below full scale");
  }
  if (key == "transmit") {
    if (value == "default") {
      current.transmit = std::nullopt;
    } else if (const auto policy = config::parse_transmit_policy(value)) {
      current.transmit = *policy;
    } else {
      return refused("transmit must be any, vad, ptt or auto (or default).");
    }
    return SettingChange{current, {}};
  }
  if (key == "moderated") {
    if (value != "on" && value != "off") return refused("moderated must be on or off.");
    current.moderated = value == "on";
    return SettingChange{current, {}};
  }
  if (key == "queue") {
    const auto policy = parse_queue_policy(value);
    if (!policy) return refused("queue must be fifo or first-time-first.");
    current.queue = *policy;
    return SettingChange{current, {}};
  }
  if (key == "time") {
    const auto seconds = parse_number(value);
    if (!seconds || *seconds > kMaxTimeLimitS) {
      return refused(fmt::format("time must be a number of seconds from 0 (no limit) to {}.", kMaxTimeLimitS));
    }
    current.time_limit_s = *seconds;
    return SettingChange{current, {}};
  }
  std::string keys;
  for (const auto known : kSettingKeys) keys += (keys.empty() ? "" : ", ") + std::string{known};
  return refused(fmt::format("Unknown setting; the settings are {}.", keys));
}

std::string describe_setting(const PlenarySettings& settings, const config::PlenaryConfig& defaults,
                             std::string_view key) {
  std::string value;
  if (key == "mode") value = shown(settings.mode, defaults.mode, mode_text);
  if (key == "topk") value = shown(settings.topk, defaults.topk, number_text);
  if (key == "bitrate") value = shown(settings.mix_bitrate_bps, defaults.mix_bitrate_bps, bitrate_text);
  if (key == "gate") value = shown(settings.gate_db_below_full_scale, defaults.gate_db_below_full_scale, gate_text);
  if (key == "transmit") value = shown(settings.transmit, defaults.transmit, transmit_text);
  if (key == "moderated") value = settings.moderated ? "on" : "off";
  if (key == "queue") value = to_string(settings.queue);
  if (key == "time") value = settings.time_limit_s == 0 ? "none" : fmt::format("{} s", settings.time_limit_s);
  return fmt::format("{} {}", key, value);
}

}  // namespace plenum::server::state
