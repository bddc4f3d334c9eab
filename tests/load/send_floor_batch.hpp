// SendFloorBatch: the sendmmsg headers for plenum-sendfloor, built the way UdpSocket::send_batch
// builds the server's: one payload shared by every message, destinations taken round-robin
// (v4-mapped, for a dual-stack socket) and, when asked, an IPV6_PKTINFO control message that
// pins the source address. Owned by the probe's thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace plenum::load {

// ::ffff:a.b.c.d for an IPv4 address and port in network byte order.
sockaddr_in6 v4_mapped(const sockaddr_in& v4) noexcept;

class SendFloorBatch {
 public:
  static constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo));

  // `destinations` and `payload` must outlive this. `source`: the address each datagram is
  // sent from (IPV6_PKTINFO), nullopt for none.
  SendFloorBatch(std::span<const sockaddr_in6> destinations, std::span<const std::byte> payload,
                 std::size_t batch, std::optional<in6_addr> source);

  // The next `batch` messages, continuing the round-robin where the last call stopped.
  std::span<mmsghdr> next() noexcept;
  // Index of the destination the next message goes to.
  std::size_t cursor() const noexcept { return cursor_; }

 private:
  std::span<const sockaddr_in6> destinations_;
  std::span<const std::byte> payload_;
  std::optional<in6_addr> source_;
  std::size_t cursor_ = 0;
  std::vector<mmsghdr> headers_;
  std::vector<iovec> vectors_;
  std::vector<std::array<std::byte, kControlSize>> controls_;
};

}  // namespace plenum::load
