// UdpSocket: the voice port, read and written in batches with recvmmsg/sendmmsg (one system
// call per batch instead of per datagram). When bound to every address it records each
// datagram's local address (IP_PKTINFO / IPV6_PKTINFO) and sends replies from that address, so
// a multi-homed server answers from the IP the client talks to. Each datagram also carries how
// long it waited in the kernel's queue (SO_TIMESTAMPNS), so an overloaded plane can shed what
// is too late to play. Owned by the VoicePlane; voice thread only.
#pragma once

#include "server/voice/datagram.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <span>

namespace plenum::server::voice {

class UdpSocket {
 public:
  static constexpr std::size_t kBatch = 32;
  // Larger than any datagram Mumble accepts, so oversize ones are seen (and dropped) whole.
  static constexpr std::size_t kReceiveSize = 1536;

  explicit UdpSocket(boost::asio::io_context& io);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds to `endpoint`; an IPv6 wildcard also accepts IPv4 (v6_only off). `reuse_port`: join
  // the SO_REUSEPORT group of the other voice shards' sockets on the same port (the kernel then
  // hashes each client address to one of them). Throws boost::system::system_error.
  void bind(const boost::asio::ip::udp::endpoint& endpoint, bool reuse_port = false);
  boost::asio::ip::udp::endpoint local_endpoint() const;
  boost::asio::ip::udp::socket& socket() noexcept { return socket_; }
  bool records_local_address() const noexcept { return pktinfo_; }
  void close() noexcept;

  // Up to kBatch waiting datagrams, without blocking; empty when none. The views stay valid
  // until the next call.
  std::span<const Datagram> receive_batch();
  // Sends in order; returns how many the kernel accepted. Stops at a full socket buffer
  // (the rest are dropped, as a router would); skips a datagram the kernel refuses.
  std::size_t send_batch(std::span<const OutgoingDatagram> datagrams);

 private:
  struct Buffers;

  boost::asio::ip::udp::socket socket_;
  bool pktinfo_ = false;
  bool v6_ = false;
  std::unique_ptr<Buffers> buffers_;  // ~60 KiB: kept off the stack and out of the object
  std::array<Datagram, kBatch> received_{};
};

}  // namespace plenum::server::voice
