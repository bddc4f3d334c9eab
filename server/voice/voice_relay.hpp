// VoiceRelay: everything between the voice socket's receive and send, as plain synchronous
// calls (STYLE.md §2): server-query pings, EndpointIndex lookup or learning, decrypt, decode,
// the speaker's checks (routing snapshot, bandwidth), VoiceRouter, then one encoding per
// distinct (format, context, listener volume) and one encryption per receiver into the Outbox (or a tunnel frame
// for receivers without working UDP). Owns every VoiceSession. Voice thread only; no sockets,
// so unit tests drive it directly.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/version.hpp"
#include "protocol/voice_packet.hpp"
#include "server/voice/datagram.hpp"
#include "server/voice/endpoint_index.hpp"
#include "server/voice/endpoint_learner.hpp"
#include "server/voice/outbox.hpp"
#include "server/voice/query_limiter.hpp"
#include "server/voice/routing_snapshot.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"
#include "server/voice/voice_session.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace plenum::server::voice {

// The slice of ServerConfig the voice plane needs.
struct VoiceSettings {
  bool allow_ping = true;               // network.allow_ping: answer server-query pings
  std::uint32_t bandwidth_bps = 72000;  // voice.bandwidth_bps: per user
  std::uint32_t max_users = 100;        // limits.users: reported by the query ping
  protocol::Version version{};          // reported by the query ping
  LearnerLimits learner{};
  QueryLimits query{};
  // Older datagrams are dropped unread. When speakers outrun the voice thread, the kernel's
  // queue would otherwise turn the overload into seconds of delay for everyone; four frames
  // late is about as late as a client's jitter buffer still plays.
  std::chrono::milliseconds max_queue_delay{80};
};

class VoiceRelay {
 public:
  using Clock = std::chrono::steady_clock;

  // `outbox` and `counters` are the plane's; the relay writes into them.
  VoiceRelay(VoiceSettings settings, Outbox& outbox, ControlLink& link, VoiceCounters& counters,
             Clock::time_point now);

  // Commands from the control plane.
  void add_session(const AddVoiceSession& add, Clock::time_point now);
  void remove_session(SessionId session);
  void set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce);
  // Answers a client's empty CryptSetup with the IV we encrypt with now (§7.6).
  void send_encrypt_iv(SessionId session);
  void set_snapshot(std::shared_ptr<const RoutingSnapshot> snapshot) noexcept;

  // Traffic: one datagram from the socket, or one UDPTunnel payload from a client.
  void on_datagram(const Datagram& datagram, Clock::time_point now);
  void on_tunnel(SessionId session, protocol::ByteView plaintext, Clock::time_point now);

  // Appends a report for every session whose counters changed since the last call.
  void collect_stats(std::vector<CryptStatsReport>& out);
  const VoiceCounters& counters() const noexcept { return counters_; }
  const VoiceSession* session(SessionId session) const noexcept;
  std::size_t session_count() const noexcept { return sessions_.size(); }

 private:
  // One encoding of the packet being forwarded: per (format, context) at volume 1.0, then per
  // (context, volume) for protobuf receivers at another volume (channel listeners, 1.5+).
  struct Encoding {
    enum class State : std::uint8_t { Empty, Built, Failed };
    State state = State::Empty;
    protocol::AudioContext context = protocol::AudioContext::Normal;  // volume encodings' key
    float volume = 1.0F;
    std::size_t size = 0;
    std::array<std::byte, protocol::kMaxUdpPlaintextSize> bytes{};
  };
  static constexpr std::size_t kContexts = 4;
  // Distinct listener volumes one packet keeps encoded at once. Past that a slot is rebuilt in
  // place (an encoding per receiver at worst, never an allocation); Mumble's slider has 61 steps
  // and a channel's listeners rarely use more than a few.
  static constexpr std::size_t kVolumeEncodings = 4;

  VoiceSession* find(SessionId session) noexcept;
  bool answer_query(const Datagram& datagram, Clock::time_point now);
  VoiceSession* learn(const Datagram& datagram, const EndpointKey& key, Clock::time_point now,
                      std::size_t& plain_size);
  void bind(VoiceSession& session, const Datagram& datagram, const EndpointKey& key);
  void on_failed_decrypt(VoiceSession& session, const boost::system::error_code& error,
                         Clock::time_point now);
  void on_udp_plaintext(VoiceSession& sender, protocol::ByteView plaintext, Clock::time_point now);
  void answer_ping(VoiceSession& sender, const protocol::PingFields& ping);
  void on_voice(VoiceSession& speaker, const protocol::VoicePacket& packet,
                std::size_t plain_size, Clock::time_point now);
  void fan_out(const VoiceSession& speaker, const protocol::VoicePacket& packet);
  protocol::ByteView encoded(const protocol::VoicePacket& packet, protocol::UdpFormat format,
                             const Delivery& delivery);
  Encoding& volume_encoding(protocol::AudioContext context, float volume) noexcept;
  void send_udp(VoiceSession& receiver, protocol::ByteView plaintext);
  void count_decode_error(const boost::system::error_code& error) noexcept;
  protocol::ServerStatus status() const noexcept;

  // Passed by argument.
  VoiceSettings settings_;
  Outbox& outbox_;
  ControlLink& link_;
  VoiceCounters& counters_;
  // Allocated by this.
  std::unordered_map<SessionId, VoiceSession> sessions_;
  EndpointIndex endpoints_;
  EndpointLearner learner_;
  QueryLimiter query_limiter_;
  std::shared_ptr<const RoutingSnapshot> snapshot_;
  // Scratch reused by every packet (no allocation in steady state).
  std::array<std::byte, kMaxDatagramSize> plain_{};
  std::vector<Delivery> deliveries_;
  std::vector<SessionId> trials_;
  std::array<Encoding, 2 * kContexts + kVolumeEncodings> encodings_{};
  std::size_t next_volume_slot_ = 0;  // the volume encoding to rebuild when all are taken
};

}  // namespace plenum::server::voice
