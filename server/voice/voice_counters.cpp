#include "server/voice/voice_counters.hpp"

#include <fmt/core.h>

namespace plenum::server::voice {

std::string_view to_string(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::TooShort: return "too_short";
    case DropReason::TooLong: return "too_long";
    case DropReason::UnknownEndpoint: return "unknown_endpoint";
    case DropReason::TrialBudget: return "trial_budget";
    case DropReason::DecryptFailed: return "decrypt_failed";
    case DropReason::Replay: return "replay";
    case DropReason::Malformed: return "malformed";
    case DropReason::NotOpus: return "not_opus";
    case DropReason::Unrouted: return "unrouted";
    case DropReason::Silenced: return "silenced";
    case DropReason::UnknownTarget: return "unknown_target";
    case DropReason::OverBandwidth: return "over_bandwidth";
    case DropReason::TunnelPing: return "tunnel_ping";
    case DropReason::SendFailed: return "send_failed";
    case DropReason::QueryLimited: return "query_limited";
    case DropReason::Stale: return "stale";
    case DropReason::RingFull: return "ring_full";
    case DropReason::OpenMicrophone: return "open_microphone";
    case DropReason::EngineFull: return "engine_full";
    case DropReason::Count: break;
  }
  return "?";
}

std::uint64_t VoiceCounters::total_drops() const noexcept {
  std::uint64_t total = 0;
  for (const auto count : drops) total += count;
  return total;
}

VoiceCounters& VoiceCounters::operator+=(const VoiceCounters& other) noexcept {
  for (std::size_t i = 0; i < drops.size(); ++i) drops[i] += other.drops[i];
  datagrams_in += other.datagrams_in;
  tunnel_in += other.tunnel_in;
  voice_packets += other.voice_packets;
  pings_answered += other.pings_answered;
  queries_answered += other.queries_answered;
  endpoints_learned += other.endpoints_learned;
  trial_decrypts += other.trial_decrypts;
  encodings += other.encodings;
  udp_out += other.udp_out;
  tunnel_out += other.tunnel_out;
  shard_out += other.shard_out;
  engine_in += other.engine_in;
  mix_out += other.mix_out;
  return *this;
}

std::string VoiceCounters::summary() const {
  std::string out = fmt::format(
      "in={} tunnel_in={} voice={} pings={} queries={} learned={} trials={} encodings={} out={} "
      "tunnel_out={} shard_out={} engine_in={} mix_out={} drops:",
      datagrams_in, tunnel_in, voice_packets, pings_answered, queries_answered, endpoints_learned,
      trial_decrypts, encodings, udp_out, tunnel_out, shard_out, engine_in, mix_out);
  bool any = false;
  for (std::size_t i = 0; i < drops.size(); ++i) {
    if (drops[i] == 0) continue;
    out += fmt::format(" {}={}", to_string(static_cast<DropReason>(i)), drops[i]);
    any = true;
  }
  if (!any) out += " none";
  return out;
}

}  // namespace plenum::server::voice
