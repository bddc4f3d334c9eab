// VoiceRelay: everything between the voice socket's receive and send, as plain synchronous
// calls (STYLE.md §2): server-query pings, EndpointIndex lookup or learning, decrypt, decode,
// the speaker's checks (routing snapshot, bandwidth), VoiceRouter, then one encoding per
// distinct (format, context, listener volume) and one encryption per receiver into the Outbox
// (or a tunnel frame for receivers without working UDP). Owns every VoiceSession. Voice thread only; no sockets,
// so unit tests drive it directly.
//
// With several voice shards (VoicePlane, voice_threads > 1) there is one relay per shard, each
// with a copy of every session; a session's HomeSlot names the one shard whose copy is live.
// The home is the shard whose socket first delivers a datagram that decrypts (the kernel's
// SO_REUSEPORT hash keeps a client's datagrams on one socket), or the session's fallback shard
// (id % shards) for one that tunnels first. Other shards pass the home what concerns it through
// the ShardMesh: datagrams from its client that reach them (NAT rebinding), tunnel voice, IV
// requests, and the voice it should hear (one plaintext encoding per message, encrypted there).
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/version.hpp"
#include "protocol/voice_packet.hpp"
#include "server/voice/datagram.hpp"
#include "server/voice/endpoint_index.hpp"
#include "server/voice/endpoint_learner.hpp"
#include "server/voice/engine_feed.hpp"
#include "server/voice/outbox.hpp"
#include "server/voice/query_limiter.hpp"
#include "server/voice/routing_snapshot.hpp"
#include "server/voice/shard_mesh.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"
#include "server/voice/voice_session.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
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
  // Older datagrams are decrypted but not routed. When speakers outrun the voice thread, the
  // kernel's queue would otherwise turn the overload into seconds of delay for everyone; four
  // frames late is about as late as a client's jitter buffer still plays.
  std::chrono::milliseconds max_queue_delay{80};
};

class VoiceRelay {
 public:
  using Clock = std::chrono::steady_clock;

  // `outbox` and `counters` are the plane's; the relay writes into them. `mesh`: the other
  // shards and this one's index in it; none for a plane with one voice thread. `engine`: this
  // shard's ring to the audio engine; none: engine channels' frames are not mixed.
  VoiceRelay(VoiceSettings settings, Outbox& outbox, ControlLink& link, VoiceCounters& counters,
             Clock::time_point now, ShardMesh* mesh = nullptr, std::size_t shard = 0,
             EngineRing* engine = nullptr);

  // Commands from the control plane (each shard gets add, remove, set_decrypt_iv and the
  // snapshot; send_encrypt_iv and on_tunnel go to fallback_shard(), which passes them on).
  void add_session(const AddVoiceSession& add, Clock::time_point now);
  // `home` is shared with the session's copies on the other shards.
  void add_session(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home, Clock::time_point now);
  void remove_session(SessionId session);
  void set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce);
  // Answers a client's empty CryptSetup with the IV we encrypt with now (§7.6).
  void send_encrypt_iv(SessionId session);
  void set_snapshot(std::shared_ptr<const RoutingSnapshot> snapshot) noexcept;
  // A reload's settings (ping, query limits, bandwidth, max users, queue delay); the learner's
  // limits are not config keys and stay.
  void update_settings(const VoiceSettings& settings) noexcept;
  // The audio engine's latest selection: who topk listeners hear, whose open microphone is stopped.
  void set_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) noexcept;
  // One tick of a channel's mix from the engine: to each of its mix listeners this shard acts for.
  void on_mix(const audio::ChannelTick& tick);

  // Traffic: one datagram from the socket, or one UDPTunnel payload from a client.
  void on_datagram(const Datagram& datagram, Clock::time_point now);
  void on_tunnel(SessionId session, protocol::ByteView plaintext, Clock::time_point now);
  // Work another shard passed to this one (ShardMesh::drain).
  void on_shard_message(const ShardMessage& message, Clock::time_point now);

  // The shard that homes a session that has not claimed one yet.
  static std::size_t fallback_shard(SessionId session, std::size_t shards) noexcept {
    return session % (shards == 0 ? 1 : shards);
  }

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
  // Slots: [format * kContexts + context] at volume 1, then the volume encodings.
  static constexpr std::size_t kEncodings = 2 * kContexts + kVolumeEncodings;

  // A datagram from this shard's socket (origin: none) or passed on by shard `origin`.
  static constexpr int kOwnSocket = -1;

  VoiceSession* find(SessionId session) noexcept;
  int home(const VoiceSession& session) const noexcept {
    return session.home->shard.load(std::memory_order_acquire);
  }
  bool owns(const VoiceSession& session) const noexcept { return home(session) == shard_; }
  // Makes this shard the session's home unless another shard already is; true when it is ours.
  bool claim(VoiceSession& session) noexcept;
  // This shard's copy may act for the session: it is the home, or nobody is and this shard is
  // the fallback (with one shard: always).
  bool acts_for(const VoiceSession& session) const noexcept;
  bool answer_query(const Datagram& datagram, Clock::time_point now);
  void receive(const Datagram& datagram, Clock::time_point now, int origin);
  VoiceSession* learn(const Datagram& datagram, const EndpointKey& key, Clock::time_point now,
                      int origin, std::size_t& plain_size);
  VoiceSession* try_trials(std::span<const SessionId> peers, const Datagram& datagram,
                           Clock::time_point now, int origin, bool& settled, std::size_t& plain_size);
  void on_tunnel_voice(VoiceSession& sender, protocol::ByteView plaintext, Clock::time_point now);
  void on_bind(const ShardMessage& message);
  void on_fanout(const ShardMessage& message);
  // A message for shard `target`, or nullptr (counted) when its ring is full; then publish().
  ShardMessage* message_to(int target, ShardMessage::Kind kind) noexcept;
  void publish(int target);
  void pass_datagram(int target, const Datagram& datagram);
  void pass_session(int target, ShardMessage::Kind kind, SessionId session, protocol::ByteView bytes);
  void fan_out_remote(std::size_t encoding, protocol::ByteView plaintext);
  void bind(VoiceSession& session, const Datagram& datagram, const EndpointKey& key);
  void on_failed_decrypt(VoiceSession& session, const boost::system::error_code& error,
                         Clock::time_point now);
  void on_udp_plaintext(VoiceSession& sender, protocol::ByteView plaintext, Clock::time_point now);
  void answer_ping(VoiceSession& sender, const protocol::PingFields& ping);
  void on_voice(VoiceSession& speaker, const protocol::VoicePacket& packet,
                std::size_t plain_size, Clock::time_point now);
  void fan_out(const VoiceSession& speaker, const protocol::VoicePacket& packet);
  // Copies a speaker's frame into the engine ring when its channel is an engine channel.
  void feed_engine(const VoiceSession& speaker, const protocol::VoicePacket& packet,
                   Clock::time_point now);
  protocol::ByteView mix_encoded(const audio::ChannelTick& tick, SessionId mix_user,
                                 std::size_t frame, protocol::UdpFormat format);
  // The plaintext for `delivery`'s receiver; `slot` is its index in encodings_.
  protocol::ByteView encoded(const protocol::VoicePacket& packet, protocol::UdpFormat format,
                             const Delivery& delivery, std::size_t& slot);
  std::size_t volume_slot(protocol::AudioContext context, float volume);
  void send_udp(VoiceSession& receiver, protocol::ByteView plaintext);
  void count_decode_error(const boost::system::error_code& error) noexcept;
  protocol::ServerStatus status() const noexcept;

  // Passed by argument.
  VoiceSettings settings_;
  Outbox& outbox_;
  ControlLink& link_;
  VoiceCounters& counters_;
  ShardMesh* mesh_;
  int shard_;
  std::size_t shards_;
  // Allocated by this.
  std::unordered_map<SessionId, VoiceSession> sessions_;
  EndpointIndex endpoints_;
  EndpointLearner learner_;
  QueryLimiter query_limiter_;
  std::shared_ptr<const RoutingSnapshot> snapshot_;
  std::shared_ptr<const audio::SelectionSnapshot> selection_;
  EngineRing* engine_;
  // Scratch reused by every packet (no allocation in steady state).
  std::array<std::byte, kMaxDatagramSize> plain_{};
  std::vector<Delivery> deliveries_;
  std::vector<SessionId> trials_;
  std::array<Encoding, kEncodings> encodings_{};
  // One tick's mix frames encoded per [frame][format], built when a listener first needs one.
  std::array<std::array<Encoding, 2>, audio::kMaxSelected + 1> mix_encodings_{};
  std::size_t next_volume_slot_ = 0;  // the volume encoding to rebuild when all are taken
  std::vector<SessionId> local_peers_;
  std::vector<SessionId> remote_peers_;
  // Receivers homed on other shards, by [shard][encoding slot], for one packet.
  std::array<std::array<std::vector<SessionId>, kEncodings>, ShardMesh::kMaxShards> remote_{};
};

}  // namespace plenum::server::voice
