// VoiceProxy: a loopback relay in front of a Mumble server for one client, passing its TCP
// (TLS) stream through untouched and relaying its UDP datagrams, which a test can drop in
// either direction to break the OCB2 stream (256 or more lost datagrams wrap the IV byte
// beyond what the receiver can reconstruct, MUMBLE_PROTOCOL.md §7.5). Runs its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace plenum::test {

class VoiceProxy {
 public:
  // Listens on a free loopback port (TCP and UDP) and relays to 127.0.0.1:upstream_port.
  explicit VoiceProxy(std::uint16_t upstream_port);
  ~VoiceProxy();
  VoiceProxy(const VoiceProxy&) = delete;
  VoiceProxy& operator=(const VoiceProxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  void drop_to_client(bool drop) noexcept { drop_to_client_ = drop; }
  void drop_to_server(bool drop) noexcept { drop_to_server_ = drop; }
  // Datagrams relayed (or dropped) in each direction so far.
  std::uint64_t to_client() const noexcept { return to_client_; }
  std::uint64_t to_server() const noexcept { return to_server_; }
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  void run();

  std::uint16_t upstream_port_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  int udp_ = -1;           // the client's side
  int upstream_udp_ = -1;  // connected to the server
  std::atomic<bool> stop_{false};
  std::atomic<bool> drop_to_client_{false};
  std::atomic<bool> drop_to_server_{false};
  std::atomic<std::uint64_t> to_client_{0};
  std::atomic<std::uint64_t> to_server_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;  // last: uses everything above
};

}  // namespace plenum::test
