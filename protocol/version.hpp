// Mumble version numbers and their two wire encodings (v1: u32, v2: u64), plus the UDP voice
// format a peer's version implies. Plain values; usable from any thread.
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <string>

namespace MumbleProto {
class Version;
}

namespace plenum::protocol {

struct Version {
  std::uint16_t major{}, minor{}, patch{};
  auto operator<=>(const Version&) const = default;
};

// v1 = (major << 16) | (minor << 8) | patch. Minor and patch have one byte each, so larger
// values clamp to 255 (Mumble 1.5.735 announces v1 0x000105FF; MUMBLE_PROTOCOL.md §3.1).
constexpr std::uint32_t to_v1(Version v) {
  const auto minor = std::min<std::uint32_t>(v.minor, 0xFF);
  const auto patch = std::min<std::uint32_t>(v.patch, 0xFF);
  return (std::uint32_t{v.major} << 16) | (minor << 8) | patch;
}

// v2 = (major << 48) | (minor << 32) | (patch << 16); the low 16 bits are unused.
constexpr std::uint64_t to_v2(Version v) {
  return (std::uint64_t{v.major} << 48) | (std::uint64_t{v.minor} << 32) |
         (std::uint64_t{v.patch} << 16);
}

constexpr Version from_v1(std::uint32_t v1) {
  return {static_cast<std::uint16_t>(v1 >> 16), static_cast<std::uint16_t>((v1 >> 8) & 0xFF),
          static_cast<std::uint16_t>(v1 & 0xFF)};
}

constexpr Version from_v2(std::uint64_t v2) {
  return {static_cast<std::uint16_t>(v2 >> 48), static_cast<std::uint16_t>((v2 >> 32) & 0xFFFF),
          static_cast<std::uint16_t>((v2 >> 16) & 0xFFFF)};
}

// A peer that announces no version at all is treated as {0,0,0}: the oldest behaviours.
Version version_of(const MumbleProto::Version& msg);

// Sets version_v1 and version_v2; 1.4.287+ peers read v2, 1.3.x and Humla read only v1.
void set_version(MumbleProto::Version& msg, Version v);

// Legacy varint packets or protobuf MumbleUDP packets, for UDP and the UDPTunnel alike.
enum class UdpFormat { Legacy, Protobuf };

inline constexpr Version kFirstProtobufUdpVersion{1, 5, 0};

// Each side speaks protobuf UDP iff the *peer* announced >= 1.5.0 (MUMBLE_PROTOCOL.md §4.7).
UdpFormat udp_format_for(Version peer);

// "1.5.735"
std::string to_string(Version v);

}  // namespace plenum::protocol
