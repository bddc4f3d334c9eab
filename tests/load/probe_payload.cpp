#include "tests/load/probe_payload.hpp"

namespace plenum::load {
namespace {

// Distinguishes our probes from any other Opus a server might send (a mix, a loopback).
constexpr std::uint32_t kMagic = 0x4C4E4C50;  // "PLNL" little-endian
constexpr std::size_t kMagicAt = 1;
constexpr std::size_t kFlagsAt = 5;
constexpr std::size_t kSpeakerAt = 6;
constexpr std::size_t kSequenceAt = 10;
constexpr std::size_t kSentAt = 14;
constexpr std::size_t kFillerAt = 22;
constexpr std::byte kInWindowFlag{0x01};

template <class T>
void put_le(protocol::MutableByteView out, std::size_t at, T value) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[at + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
  }
}

template <class T>
T get_le(protocol::ByteView in, std::size_t at) noexcept {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>(value | (static_cast<T>(in[at + i]) << (8 * i)));
  }
  return value;
}

}  // namespace

void write_probe(const Probe& probe, protocol::MutableByteView out) noexcept {
  out[0] = kProbeToc;
  put_le(out, kMagicAt, kMagic);
  out[kFlagsAt] = probe.in_window ? kInWindowFlag : std::byte{0};
  put_le(out, kSpeakerAt, probe.speaker);
  put_le(out, kSequenceAt, probe.sequence);
  put_le(out, kSentAt, probe.sent_ns);
  for (std::size_t i = kFillerAt; i < kProbePayloadSize; ++i) {
    out[i] = static_cast<std::byte>(i * 37U);
  }
}

std::optional<Probe> read_probe(protocol::ByteView opus) noexcept {
  if (opus.size() != kProbePayloadSize || opus[0] != kProbeToc ||
      get_le<std::uint32_t>(opus, kMagicAt) != kMagic) {
    return std::nullopt;
  }
  Probe probe;
  probe.in_window = (opus[kFlagsAt] & kInWindowFlag) == kInWindowFlag;
  probe.speaker = get_le<std::uint32_t>(opus, kSpeakerAt);
  probe.sequence = get_le<std::uint32_t>(opus, kSequenceAt);
  probe.sent_ns = get_le<std::uint64_t>(opus, kSentAt);
  return probe;
}

}  // namespace plenum::load
