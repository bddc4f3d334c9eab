// EndpointIndex: which voice session a UDP source address belongs to, and which sessions share
// a TCP peer IP (the candidates for an unknown source, MUMBLE_PROTOCOL.md §4.1). Addresses are
// kept as IPv6 bytes (IPv4 as v4-mapped), so a dual-stack socket and an IPv4 one key alike.
// Owned by the VoiceRelay on the voice thread.
#pragma once

#include "server/state/ids.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace plenum::server::voice {

using state::SessionId;

using IpKey = std::array<std::uint8_t, 16>;

struct EndpointKey {
  IpKey ip{};
  std::uint16_t port = 0;
  bool operator==(const EndpointKey&) const = default;
};

IpKey ip_key(const boost::asio::ip::address& address) noexcept;
EndpointKey endpoint_key(const boost::asio::ip::udp::endpoint& endpoint) noexcept;

// Hashes keyed with a per-process random seed: sources are chosen by whoever sends datagrams,
// so a fixed hash would let them aim for one bucket.
struct KeyedHash {
  std::uint64_t seed = 0;
  std::size_t operator()(const IpKey& ip) const noexcept;
  std::size_t operator()(const EndpointKey& key) const noexcept;
};

class EndpointIndex {
 public:
  EndpointIndex();

  // The session bound to this source, or 0 (never a session id).
  SessionId find(const EndpointKey& key) const noexcept;
  // Binds (or re-binds) a source to a session. The caller unbinds the session's old source.
  void bind(const EndpointKey& key, SessionId session);
  void unbind(const EndpointKey& key) noexcept;
  std::size_t bound_count() const noexcept { return by_endpoint_.size(); }

  // Sessions whose TLS connection comes from `ip`: only they may claim a new source there.
  void add_peer(const IpKey& ip, SessionId session);
  void remove_peer(const IpKey& ip, SessionId session);
  std::span<const SessionId> peers_at(const IpKey& ip) const noexcept;

 private:
  KeyedHash hash_;
  std::unordered_map<EndpointKey, SessionId, KeyedHash> by_endpoint_;
  std::unordered_map<IpKey, std::vector<SessionId>, KeyedHash> by_peer_ip_;
};

}  // namespace plenum::server::voice
