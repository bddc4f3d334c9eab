// VoiceRelay's receive half: query pings, endpoint lookup and learning, decrypt, decode, pings.
// The forwarding half is in voice_relay_fanout.cpp.
#include "server/voice/voice_relay.hpp"

#include "protocol/udp_ping.hpp"

#include <variant>

namespace plenum::server::voice {

namespace {

// §4.1: murmur drops datagrams shorter than this or longer than kMaxUdpDatagram.
constexpr std::size_t kMinUdpDatagram = 5;
constexpr std::size_t kMaxUdpDatagram = 1024;

// Cheap tests before parsing: the legacy query is 12 bytes starting with a zero u32, the
// protobuf one starts with the Ping type byte.
bool may_be_query(protocol::ByteView bytes) noexcept {
  if (bytes.size() == protocol::kLegacyQueryRequestSize) {
    if (bytes[0] == std::byte{0} && bytes[1] == std::byte{0} && bytes[2] == std::byte{0} &&
        bytes[3] == std::byte{0}) {
      return true;
    }
  }
  return !bytes.empty() && bytes[0] == protocol::kProtobufPingType;
}

}  // namespace

VoiceRelay::VoiceRelay(VoiceSettings settings, Outbox& outbox, ControlLink& link,
                       VoiceCounters& counters, Clock::time_point now, ShardMesh* mesh,
                       std::size_t shard, EngineRing* engine)
    : settings_{settings},
      outbox_{outbox},
      link_{link},
      counters_{counters},
      mesh_{mesh},
      shard_{static_cast<int>(shard)},
      shards_{mesh != nullptr ? mesh->size() : 1},
      learner_{settings.learner, now},
      query_limiter_{settings.query, now},
      engine_{engine} {}

void VoiceRelay::update_settings(const VoiceSettings& settings) noexcept {
  const LearnerLimits learner = settings_.learner;
  settings_ = settings;
  settings_.learner = learner;
  query_limiter_.set_limits(settings.query);
}

VoiceSession* VoiceRelay::find(SessionId session) noexcept {
  const auto it = sessions_.find(session);
  return it == sessions_.end() ? nullptr : &it->second;
}

const VoiceSession* VoiceRelay::session(SessionId session) const noexcept {
  const auto it = sessions_.find(session);
  return it == sessions_.end() ? nullptr : &it->second;
}

bool VoiceRelay::claim(VoiceSession& session) noexcept {
  int expected = HomeSlot::kUnclaimed;
  return session.home->shard.compare_exchange_strong(expected, shard_, std::memory_order_acq_rel) ||
         expected == shard_;
}

bool VoiceRelay::acts_for(const VoiceSession& session) const noexcept {
  const int at = home(session);
  if (at == shard_) return true;
  return at == HomeSlot::kUnclaimed &&
         fallback_shard(session.id, shards_) == static_cast<std::size_t>(shard_);
}

void VoiceRelay::add_session(const AddVoiceSession& add, Clock::time_point now) {
  add_session(add, std::make_shared<HomeSlot>(), now);
}

void VoiceRelay::add_session(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home_slot,
                             Clock::time_point now) {
  remove_session(add.session);
  const auto [it, added] = sessions_.try_emplace(add.session, add, std::move(home_slot), now);
  endpoints_.add_peer(it->second.tcp_ip, add.session);
}

void VoiceRelay::remove_session(SessionId session) {
  const auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  if (it->second.has_endpoint) endpoints_.unbind(it->second.endpoint_key);
  endpoints_.remove_peer(it->second.tcp_ip, session);
  sessions_.erase(it);
}

void VoiceRelay::set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) {
  if (VoiceSession* found = find(session)) found->crypt.set_decrypt_iv(nonce);
}

void VoiceRelay::send_encrypt_iv(SessionId session) {
  VoiceSession* found = find(session);
  if (found == nullptr) return;
  // Unclaimed: no shard has encrypted for it yet, so every copy holds the IV it started with.
  if (home(*found) == HomeSlot::kUnclaimed || owns(*found)) {
    link_.send_server_nonce(session, found->crypt.encrypt_iv());
  } else {
    pass_session(home(*found), ShardMessage::Kind::EncryptIvRequest, session, {});
  }
}

void VoiceRelay::set_snapshot(std::shared_ptr<const RoutingSnapshot> snapshot) noexcept {
  snapshot_ = std::move(snapshot);
}

void VoiceRelay::set_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) noexcept {
  selection_ = std::move(selection);
}

protocol::ServerStatus VoiceRelay::status() const noexcept {
  protocol::ServerStatus status;
  status.version = settings_.version;
  status.user_count = snapshot_ ? snapshot_->user_count : 0;
  status.max_user_count = settings_.max_users;
  status.max_bandwidth_bps = settings_.bandwidth_bps;
  return status;
}

void VoiceRelay::on_datagram(const Datagram& datagram, Clock::time_point now) {
  ++counters_.datagrams_in;
  const std::size_t size = datagram.bytes.size();
  if (datagram.truncated || size > kMaxUdpDatagram) {
    counters_.drop(DropReason::TooLong);
    return;
  }
  // Server-list pings carry no session and come from any address (§4.5).
  if (answer_query(datagram, now)) return;
  if (size < kMinUdpDatagram) {
    counters_.drop(DropReason::TooShort);
    return;
  }
  receive(datagram, now, kOwnSocket);
}

void VoiceRelay::receive(const Datagram& datagram, Clock::time_point now, int origin) {
  const EndpointKey key = endpoint_key(datagram.from);
  std::size_t plain_size = 0;
  VoiceSession* sender = find(endpoints_.find(key));
  if (sender != nullptr && !owns(*sender)) {
    // Bound here by a Bind from its home: the client's address moved to this shard's socket.
    // A passed-on datagram is never passed again (no ping-pong over a stale binding).
    if (origin == kOwnSocket) {
      pass_datagram(home(*sender), datagram);
    } else {
      counters_.drop(DropReason::UnknownEndpoint);
    }
    return;
  }
  if (sender != nullptr) {
    const auto decrypted = sender->crypt.decrypt(datagram.bytes, plain_, now);
    if (!decrypted) {
      on_failed_decrypt(*sender, decrypted.error(), now);
      return;
    }
    plain_size = *decrypted;
    sender->local = datagram.to;
  } else {
    sender = learn(datagram, key, now, origin, plain_size);
    if (sender == nullptr) return;
  }
  // Too late to play: not routed. Decrypted all the same, so that the session's replay window
  // and counters stay in step with the client (skipping would read as loss, and a long run of
  // skips as replays).
  if (datagram.waited > settings_.max_queue_delay) {
    counters_.drop(DropReason::Stale);
    return;
  }
  on_udp_plaintext(*sender, protocol::ByteView(plain_.data(), plain_size), now);
}

bool VoiceRelay::answer_query(const Datagram& datagram, Clock::time_point now) {
  if (!settings_.allow_ping || !may_be_query(datagram.bytes)) return false;
  const auto request = protocol::parse_query_request(datagram.bytes);
  if (!request) return false;
  // The reply is larger than the request and goes to an unverified address (§4.5).
  if (!query_limiter_.allow(ip_key(datagram.from.address()), now)) {
    counters_.drop(DropReason::QueryLimited);
    return true;
  }
  OutgoingDatagram& reply = outbox_.prepare();
  const auto size = protocol::encode_query_reply({*request, status()}, reply.bytes);
  if (!size) return true;
  reply.size = *size;
  reply.to = datagram.from;
  reply.from = datagram.to;
  outbox_.commit();
  ++counters_.queries_answered;
  return true;
}

VoiceSession* VoiceRelay::learn(const Datagram& datagram, const EndpointKey& key,
                                Clock::time_point now, int origin, std::size_t& plain_size) {
  // Candidates whose copy here may be tried, and the others, homed on other shards.
  local_peers_.clear();
  remote_peers_.clear();
  std::uint32_t remote_homes = 0;
  for (const SessionId id : endpoints_.peers_at(key.ip)) {
    const VoiceSession* candidate = find(id);
    if (candidate == nullptr) continue;
    const int at = home(*candidate);
    if (at == HomeSlot::kUnclaimed || at == shard_) {
      local_peers_.push_back(id);
    } else {
      remote_homes |= 1U << static_cast<unsigned>(at);
      remote_peers_.push_back(id);
    }
  }
  bool settled = false;
  VoiceSession* found = try_trials(local_peers_, datagram, now, origin, settled, plain_size);
  if (found != nullptr || settled) return found;
  if (origin == kOwnSocket && remote_homes != 0) {
    // A client of another shard may have moved to an address that hashes here: its home tries.
    // Passing it on is charged to this shard's trial budget as if the trials were made here, so
    // a flood from a shared or spoofed IP cannot fill the rings that carry everyone's voice.
    const auto never_bound = [](SessionId) { return false; };
    if (!learner_.plan(remote_peers_, never_bound, now, trials_)) {
      counters_.drop(DropReason::TrialBudget);
      return nullptr;
    }
    for (std::size_t target = 0; target < shards_; ++target) {
      if ((remote_homes & (1U << target)) != 0) pass_datagram(static_cast<int>(target), datagram);
    }
    return nullptr;
  }
  counters_.drop(DropReason::UnknownEndpoint);
  return nullptr;
}

// Trial decrypts with this shard's copies. `settled`: the datagram needs nothing more (dropped
// and counted, or passed to the shard that won the session); otherwise nothing matched.
VoiceSession* VoiceRelay::try_trials(std::span<const SessionId> peers, const Datagram& datagram,
                                     Clock::time_point now, int origin, bool& settled,
                                     std::size_t& plain_size) {
  if (peers.empty()) return nullptr;
  const auto is_bound = [this](SessionId id) {
    const VoiceSession* candidate = find(id);
    return candidate != nullptr && candidate->has_endpoint;
  };
  if (!learner_.plan(peers, is_bound, now, trials_)) {
    counters_.drop(DropReason::TrialBudget);
    settled = true;
    return nullptr;
  }
  for (std::size_t tried = 0; tried < trials_.size(); ++tried) {
    VoiceSession* candidate = find(trials_[tried]);
    if (candidate == nullptr) continue;
    ++counters_.trial_decrypts;
    const auto decrypted = candidate->crypt.decrypt(datagram.bytes, plain_, now);
    if (!decrypted) continue;
    learner_.refund(trials_.size() - tried - 1);
    settled = true;
    if (!claim(*candidate)) {
      // Another shard's socket got this client's first datagram at the same time and won: only
      // its copy counts (this one just decrypted on a stale window).
      if (origin == kOwnSocket) pass_datagram(home(*candidate), datagram);
      return nullptr;
    }
    plain_size = *decrypted;
    bind(*candidate, datagram, endpoint_key(datagram.from));
    if (origin != kOwnSocket) {
      // The client's datagrams now reach shard `origin`: let it pass them here directly.
      if (ShardMessage* message = message_to(origin, ShardMessage::Kind::Bind)) {
        message->session = candidate->id;
        message->from = datagram.from;
        publish(origin);
      }
    }
    return candidate;
  }
  return nullptr;
}

void VoiceRelay::bind(VoiceSession& session, const Datagram& datagram, const EndpointKey& key) {
  if (session.has_endpoint) endpoints_.unbind(session.endpoint_key);
  endpoints_.bind(key, session.id);
  session.has_endpoint = true;
  session.endpoint_key = key;
  session.endpoint = datagram.from;
  session.local = datagram.to;
  ++counters_.endpoints_learned;
}

void VoiceRelay::on_failed_decrypt(VoiceSession& session, const boost::system::error_code& error,
                                   Clock::time_point now) {
  const bool replay =
      error == protocol::CryptError::Replay || error == protocol::CryptError::OutOfWindow;
  counters_.drop(replay ? DropReason::Replay : DropReason::DecryptFailed);
  // §7.6: the client's stream and ours drifted apart; ask it for its IV, at most every 5 s.
  if (session.crypt.should_request_resync(now)) {
    session.crypt.mark_resync_requested(now);
    link_.request_resync(session.id);
  }
}

void VoiceRelay::count_decode_error(const boost::system::error_code& error) noexcept {
  counters_.drop(error == protocol::VoiceError::NotOpus ? DropReason::NotOpus
                                                        : DropReason::Malformed);
}

void VoiceRelay::on_udp_plaintext(VoiceSession& sender, protocol::ByteView plaintext,
                                  Clock::time_point now) {
  auto message =
      protocol::decode_udp_plaintext(plaintext, sender.format, protocol::Direction::ToServer);
  if (!message) {
    count_decode_error(message.error());
    return;
  }
  if (const auto* voice = std::get_if<protocol::VoicePacket>(&*message)) {
    // §6: UDP voice from a client means its UDP works: send its voice back the same way.
    sender.use_udp = true;
    ++sender.udp_packets;
    on_voice(sender, *voice, plaintext.size(), now);
  } else if (const auto* legacy = std::get_if<protocol::LegacyPing>(&*message)) {
    // Echoed verbatim, as 1.3.4 does; Humla's 16-byte pings need that (§4.4).
    send_udp(sender, legacy->bytes);
    ++counters_.pings_answered;
  } else {
    answer_ping(sender, std::get<protocol::PingFields>(*message));
  }
}

void VoiceRelay::answer_ping(VoiceSession& sender, const protocol::PingFields& ping) {
  protocol::PingFields reply;
  reply.timestamp = ping.timestamp;
  if (ping.request_extended_information) {
    const protocol::ServerStatus current = status();
    reply.server_version_v2 = protocol::to_v2(current.version);
    reply.user_count = current.user_count;
    reply.max_user_count = current.max_user_count;
    reply.max_bandwidth_per_user = current.max_bandwidth_bps;
  }
  std::array<std::byte, 64> buffer{};
  const auto size = protocol::encode_protobuf_ping(reply, buffer);
  if (!size) return;
  send_udp(sender, protocol::ByteView(buffer.data(), *size));
  ++counters_.pings_answered;
}

void VoiceRelay::on_tunnel(SessionId session, protocol::ByteView plaintext, Clock::time_point now) {
  ++counters_.tunnel_in;
  VoiceSession* sender = find(session);
  if (sender == nullptr) {
    counters_.drop(DropReason::Unrouted);
    return;
  }
  // A client that tunnels before any of its UDP decrypted is homed on the shard that gets its
  // tunnel voice first (the plane sends it to the session's fallback shard).
  if (!claim(*sender)) {
    if (plaintext.size() > kMaxDatagramSize) {
      counters_.drop(DropReason::TooLong);
      return;
    }
    pass_session(home(*sender), ShardMessage::Kind::Tunnel, session, plaintext);
    return;
  }
  on_tunnel_voice(*sender, plaintext, now);
}

void VoiceRelay::on_tunnel_voice(VoiceSession& sender, protocol::ByteView plaintext,
                                 Clock::time_point now) {
  auto message =
      protocol::decode_udp_plaintext(plaintext, sender.format, protocol::Direction::ToServer);
  if (!message) {
    count_decode_error(message.error());
    return;
  }
  const auto* voice = std::get_if<protocol::VoicePacket>(&*message);
  if (voice == nullptr) {
    counters_.drop(DropReason::TunnelPing);
    return;
  }
  // §6: a client that tunnels its voice gets ours tunnelled too, until it sends UDP voice again.
  sender.use_udp = false;
  on_voice(sender, *voice, plaintext.size(), now);
}

void VoiceRelay::collect_stats(std::vector<CryptStatsReport>& out) {
  for (auto& [id, session] : sessions_) {
    if (!acts_for(session)) continue;
    const protocol::CryptStats& now = session.crypt.local_stats();
    if (now == session.reported_stats && session.udp_packets == session.reported_udp_packets)
      continue;
    session.reported_stats = now;
    session.reported_udp_packets = session.udp_packets;
    out.push_back({id, now, session.udp_packets});
  }
}

}  // namespace plenum::server::voice
