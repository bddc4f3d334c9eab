// Helpers shared by the voice-path unit tests (varint, udp_protobuf, voice_packet, udp_ping):
// hex literals and a field-by-field VoicePacket comparison (Opus by content, floats by bits).
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/voice_packet.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace plenum::protocol::testing {

// A seeded mt19937 whose draws are uint32_t (the engine's own result type is unsigned long,
// which -Wconversion flags at every use).
struct Rng {
  std::mt19937 engine;
  explicit Rng(std::uint32_t seed) : engine{seed} {}
  std::uint32_t operator()() { return static_cast<std::uint32_t>(engine()); }
  std::uint64_t u64() { return std::uint64_t{(*this)()} << 32 | (*this)(); }
};

// "80 00 03" or "800003" -> bytes; spaces and '|' are ignored.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (const char c : text) {
    if (c == ' ' || c == '|') continue;
    int nibble = 0;
    if (c >= '0' && c <= '9') nibble = c - '0';
    else if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
    else throw std::invalid_argument("bad hex digit");
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::byte>(high * 16 + nibble));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

inline std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::byte b : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[std::to_integer<unsigned>(b) >> 4];
    out += kDigits[std::to_integer<unsigned>(b) & 0xF];
  }
  return out;
}

inline bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

inline bool same_voice(const VoicePacket& a, const VoicePacket& b) {
  if (a.position.has_value() != b.position.has_value()) return false;
  if (a.position && !std::ranges::equal(*a.position, *b.position, same_bits)) return false;
  return a.target_or_context == b.target_or_context && a.sender_session == b.sender_session &&
         a.frame_number == b.frame_number && std::ranges::equal(a.opus, b.opus) &&
         a.terminator == b.terminator && same_bits(a.volume_adjustment, b.volume_adjustment);
}

}  // namespace plenum::protocol::testing
