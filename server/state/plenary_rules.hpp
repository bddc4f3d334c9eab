// Who may do what in a plenary channel and how `/channel KEY VALUE` changes its settings
// (DESIGN.md §4). Pure functions over the state; control-plane thread.
#pragma once

#include "server/config/server_config.hpp"
#include "server/state/ids.hpp"
#include "server/state/plenary_settings.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace plenum::server::state {

class ServerState;

// The ranges of the [plenary] keys (server/config/config_keys.cpp), which a channel setting
// must keep too.
inline constexpr std::uint32_t kMinTopK = 1, kMaxTopK = 32;
inline constexpr std::uint32_t kMinMixBitrate = 6000, kMaxMixBitrate = 510000;
inline constexpr std::uint32_t kMaxGateDb = 90;

// Chairs hold Mumble's MuteDeafen in the channel (so Murmur ACLs and stock clients' ACL editor
// work as they are); settings need Write. Everyone else is a member.
enum class PlenaryRole : std::uint8_t { Member, Chair, Admin };
std::string_view to_string(PlenaryRole role) noexcept;
bool has_role(const ServerState& state, SessionId session, ChannelId channel, PlenaryRole role);

std::string_view to_string(QueuePolicy policy) noexcept;
std::optional<QueuePolicy> parse_queue_policy(std::string_view text) noexcept;

struct SettingChange {
  std::optional<PlenarySettings> settings;  // the new settings; empty when refused
  std::string error;                        // one line for the sender
};

// The keys `/channel` accepts, in the order /channel lists them.
std::span<const std::string_view> setting_keys() noexcept;

// `current` with KEY set to VALUE, range-checked as the [plenary] keys are. For the engine
// keys VALUE `default` clears the channel's own value, so the [plenary] default applies again.
// Floor keys: moderated on|off, queue fifo|first-time-first, time SECONDS (0: no limit).
SettingChange change_setting(PlenarySettings current, std::string_view key, std::string_view value);

// One `key value` line per setting; values that come from [plenary] say so.
std::string describe_setting(const PlenarySettings& settings, const config::PlenaryConfig& defaults,
                             std::string_view key);

}  // namespace plenum::server::state
