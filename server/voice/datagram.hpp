// Datagrams as the voice plane's socket hands them in and takes them out. Views and fixed-size
// buffers only: nothing here allocates per packet. Voice thread.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "protocol/voice_packet.hpp"
#include "server/voice/endpoint_index.hpp"

#include <boost/asio/ip/udp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace plenum::server::voice {

// The local address a datagram arrived at (IP_PKTINFO / IPV6_PKTINFO), so a socket bound to
// every address answers from the one the client talks to. Unknown on a socket bound to one.
struct LocalAddress {
  IpKey ip{};  // IPv6 bytes, IPv4 as v4-mapped
  std::uint32_t interface = 0;
  bool known = false;
  bool operator==(const LocalAddress&) const = default;
};

struct Datagram {
  protocol::ByteView bytes;
  boost::asio::ip::udp::endpoint from;
  LocalAddress to;
  bool truncated = false;  // longer than the receive buffer: too long for Mumble anyway
  // How long it sat in the kernel's receive queue (SO_TIMESTAMPNS); zero when unknown.
  std::chrono::nanoseconds waited{0};
};

// The largest datagram the plane sends: a full plaintext plus the crypto header.
inline constexpr std::size_t kMaxDatagramSize =
    protocol::kMaxUdpPlaintextSize + protocol::CryptStateOCB2::kHeaderSize;

struct OutgoingDatagram {
  boost::asio::ip::udp::endpoint to;
  LocalAddress from;
  std::size_t size = 0;
  std::array<std::byte, kMaxDatagramSize> bytes{};

  protocol::ByteView view() const noexcept { return {bytes.data(), size}; }
};

}  // namespace plenum::server::voice
