// Test doubles for the voice relay's unit tests: a ControlLink that records what the voice plane
// hands back to the control plane, and a byte-string helper.
#pragma once

#include "server/voice/voice_commands.hpp"

#include <initializer_list>
#include <utility>
#include <vector>

namespace plenum::server::voice::testing {

inline protocol::Bytes bytes(std::initializer_list<unsigned> values) {
  protocol::Bytes out;
  for (const unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

class RecordingLink final : public ControlLink {
 public:
  void deliver_tunnel(std::vector<TunnelFrame> frames) override {
    for (auto& frame : frames) tunnel.push_back(std::move(frame));
  }
  void report_crypt_stats(std::vector<CryptStatsReport> reports) override {
    stats = std::move(reports);
  }
  void request_resync(SessionId session) override { resyncs.push_back(session); }
  void send_server_nonce(SessionId session,
                         const protocol::CryptStateOCB2::Nonce& nonce) override {
    nonces.emplace_back(session, nonce);
  }

  std::vector<TunnelFrame> tunnel;
  std::vector<CryptStatsReport> stats;
  std::vector<SessionId> resyncs;
  std::vector<std::pair<SessionId, protocol::CryptStateOCB2::Nonce>> nonces;
};

}  // namespace plenum::server::voice::testing
