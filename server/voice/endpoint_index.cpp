#include "server/voice/endpoint_index.hpp"

#include <algorithm>
#include <random>

namespace plenum::server::voice {

namespace {

// splitmix64's finaliser: every input bit reaches every output bit.
std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t load64(const IpKey& ip, std::size_t offset) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | ip[offset + i];
  return value;
}

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

IpKey ip_key(const boost::asio::ip::address& address) noexcept {
  if (address.is_v4()) {
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4()).to_bytes();
  }
  return address.to_v6().to_bytes();
}

EndpointKey endpoint_key(const boost::asio::ip::udp::endpoint& endpoint) noexcept {
  return {ip_key(endpoint.address()), endpoint.port()};
}

std::size_t KeyedHash::operator()(const IpKey& ip) const noexcept {
  return static_cast<std::size_t>(mix(mix(seed ^ load64(ip, 0)) ^ load64(ip, 8)));
}

std::size_t KeyedHash::operator()(const EndpointKey& key) const noexcept {
  return static_cast<std::size_t>(mix((*this)(key.ip) ^ key.port));
}

EndpointIndex::EndpointIndex()
    : hash_{random_seed()}, by_endpoint_{0, hash_}, by_peer_ip_{0, hash_} {}

SessionId EndpointIndex::find(const EndpointKey& key) const noexcept {
  const auto it = by_endpoint_.find(key);
  return it == by_endpoint_.end() ? SessionId{0} : it->second;
}

void EndpointIndex::bind(const EndpointKey& key, SessionId session) {
  by_endpoint_[key] = session;
}

void EndpointIndex::unbind(const EndpointKey& key) noexcept { by_endpoint_.erase(key); }

void EndpointIndex::add_peer(const IpKey& ip, SessionId session) {
  auto& sessions = by_peer_ip_[ip];
  if (std::find(sessions.begin(), sessions.end(), session) == sessions.end()) {
    sessions.push_back(session);
  }
}

void EndpointIndex::remove_peer(const IpKey& ip, SessionId session) {
  const auto it = by_peer_ip_.find(ip);
  if (it == by_peer_ip_.end()) return;
  std::erase(it->second, session);
  if (it->second.empty()) by_peer_ip_.erase(it);
}

std::span<const SessionId> EndpointIndex::peers_at(const IpKey& ip) const noexcept {
  const auto it = by_peer_ip_.find(ip);
  if (it == by_peer_ip_.end()) return {};
  return it->second;
}

}  // namespace plenum::server::voice
