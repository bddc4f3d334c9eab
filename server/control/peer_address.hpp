// A client address in Mumble's wire form: 16 bytes, IPv4 as ::ffff:a.b.c.d (MUMBLE_PROTOCOL.md
// §2.11), as BanList, UserStats and address bans use it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace plenum::server::control {

using MappedAddress = std::array<std::uint8_t, 16>;

// nullopt for text that is not an IP address.
std::optional<MappedAddress> mapped_address(std::string_view text);

// Whether the first `prefix_bits` bits of both addresses agree (a ban's mask).
bool same_prefix(const MappedAddress& a, const MappedAddress& b, unsigned prefix_bits) noexcept;

}  // namespace plenum::server::control
