#include "client-cli/core/session_stats.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace plenum::client {

SessionStats collect_stats(const ConnectionStats& connection, const ReceiveStats& received) {
  SessionStats out;
  out.sent_udp = connection.voice_sent_udp;
  out.sent_tcp = connection.voice_sent_tcp;
  out.packets_sent = out.sent_udp + out.sent_tcp;
  out.received_udp = connection.voice_received_udp;
  out.received_tcp = connection.voice_received_tcp;
  out.packets_received = received.packets;
  out.lost = received.jitter.lost;
  out.late = received.jitter.late;
  out.jitter_ms = received.jitter.jitter_ms;
  out.path = connection.path;
  const auto& ping = connection.path == VoicePath::Udp && connection.udp_ping_ms
                         ? connection.udp_ping_ms
                         : connection.tcp_ping_ms;
  out.ping_ms = ping.value_or(0.0);
  out.concealed = received.jitter.concealed;
  out.fec = received.jitter.fec;
  out.expanded = received.jitter.expanded;
  out.dropped = received.jitter.dropped;
  out.duplicates = received.jitter.duplicates;
  out.invalid = received.invalid;
  out.udp_decrypt_failures = connection.udp_decrypt_failures;
  out.resync_requests = connection.resync_requests;
  return out;
}

std::string to_json(const SessionStats& s) {
  return fmt::format(
      "{{\n"
      "  \"packets_sent\": {},\n  \"packets_received\": {},\n  \"lost\": {},\n"
      "  \"late\": {},\n  \"jitter_ms\": {:.3f},\n  \"ping_ms\": {:.3f},\n  \"path\": \"{}\",\n"
      "  \"sent_udp\": {},\n  \"sent_tcp\": {},\n  \"received_udp\": {},\n"
      "  \"received_tcp\": {},\n  \"concealed\": {},\n  \"fec\": {},\n  \"expanded\": {},\n"
      "  \"dropped\": {},\n  \"duplicates\": {},\n  \"invalid\": {},\n"
      "  \"udp_decrypt_failures\": {},\n  \"resync_requests\": {},\n  \"ticks_late\": {},\n"
      "  \"bitrate_bps\": {}\n}}\n",
      s.packets_sent, s.packets_received, s.lost, s.late, s.jitter_ms, s.ping_ms,
      to_string(s.path), s.sent_udp, s.sent_tcp, s.received_udp, s.received_tcp, s.concealed,
      s.fec, s.expanded, s.dropped, s.duplicates, s.invalid, s.udp_decrypt_failures,
      s.resync_requests, s.ticks_late, s.bitrate_bps);
}

void write_stats(const std::filesystem::path& file, const SessionStats& stats) {
  std::ofstream out(file, std::ios::trunc);
  out << to_json(stats);
  if (!out.flush()) {
    throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  }
}

}  // namespace plenum::client
