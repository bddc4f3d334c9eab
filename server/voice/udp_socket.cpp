#include "server/voice/udp_socket.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/system/system_error.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstring>

namespace plenum::server::voice {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Big enough for one IPV6_PKTINFO, one IP_PKTINFO and one SCM_TIMESTAMPNS message.
constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo)) +
                                     CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(timespec));

std::chrono::nanoseconds since_epoch(const timespec& time) noexcept {
  return std::chrono::seconds{time.tv_sec} + std::chrono::nanoseconds{time.tv_nsec};
}

// The local address (when `pktinfo`) and the time spent queued, from one datagram's control
// messages; `now` is CLOCK_REALTIME, the kernel's clock for receive timestamps.
void read_control(msghdr& header, bool pktinfo, std::chrono::nanoseconds now, Datagram& out) {
  LocalAddress local;
  out.waited = std::chrono::nanoseconds{0};
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
      out.waited = std::max(now - since_epoch(stamp), std::chrono::nanoseconds{0});
    } else if (!pktinfo) {
      continue;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      std::memcpy(local.ip.data(), &info.ipi6_addr, local.ip.size());
      local.interface = info.ipi6_ifindex;
      local.known = true;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && !local.known) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      local.ip = {};
      local.ip[10] = 0xFF;
      local.ip[11] = 0xFF;
      std::memcpy(local.ip.data() + 12, &info.ipi_addr, 4);
      local.interface = static_cast<std::uint32_t>(info.ipi_ifindex);
      local.known = true;
    }
  }
  out.to = local;
}

// The source address for one reply. The interface is left to routing: only the address is
// pinned, which is what a multi-homed host needs.
std::size_t write_local_address(const LocalAddress& local, bool v6_socket, std::byte* control) {
  std::memset(control, 0, kControlSize);
  auto* c = reinterpret_cast<cmsghdr*>(control);
  if (v6_socket) {
    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, local.ip.data(), local.ip.size());
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(info));
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    return CMSG_SPACE(sizeof(info));
  }
  in_pktinfo info{};
  std::memcpy(&info.ipi_spec_dst, local.ip.data() + 12, 4);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(info));
  std::memcpy(CMSG_DATA(c), &info, sizeof(info));
  return CMSG_SPACE(sizeof(info));
}

bool enable(int fd, int level, int option) noexcept {
  const int on = 1;
  return ::setsockopt(fd, level, option, &on, sizeof(on)) == 0;
}

}  // namespace

struct UdpSocket::Buffers {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> vectors{};
  std::array<sockaddr_storage, kBatch> names{};
  std::array<std::array<std::byte, kControlSize>, kBatch> controls{};
  std::array<std::array<std::byte, kReceiveSize>, kBatch> data{};
  // sendmmsg's side: no names (they point into the datagrams) and no payload copies.
  std::array<mmsghdr, kBatch> out_headers{};
  std::array<iovec, kBatch> out_vectors{};
  std::array<std::array<std::byte, kControlSize>, kBatch> out_controls{};
};

UdpSocket::UdpSocket(asio::io_context& io) : socket_{io}, buffers_{std::make_unique<Buffers>()} {}

UdpSocket::~UdpSocket() = default;

void UdpSocket::bind(const udp::endpoint& endpoint, bool reuse_port) {
  socket_.open(endpoint.protocol());
  if (reuse_port && !enable(socket_.native_handle(), SOL_SOCKET, SO_REUSEPORT)) {
    throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
  }
  v6_ = endpoint.address().is_v6();
  if (v6_) socket_.set_option(asio::ip::v6_only(false));
  // Bursts of a large fan-out must not overflow the kernel's default ~200 KiB buffers;
  // the kernel caps these at net.core.[rw]mem_max, so a refusal is not an error.
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::send_buffer_size(4 << 20), ignored);
  socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20), ignored);
  socket_.bind(endpoint);
  socket_.non_blocking(true);
  // Receive times let the relay drop what waited too long (VoiceSettings::max_queue_delay);
  // without them nothing is dropped for age, so a refusal is not fatal either.
  enable(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS);
  if (endpoint.address().is_unspecified()) {
    // Without these, replies leave from whatever address routing picks: still correct on a
    // host with one address, so a kernel that refuses them is not fatal.
    const int fd = socket_.native_handle();
    if (v6_) {
      pktinfo_ = enable(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO);
      // IPv4 datagrams on a dual-stack socket may report their address through IP_PKTINFO.
      if (pktinfo_) enable(fd, IPPROTO_IP, IP_PKTINFO);
    } else {
      pktinfo_ = enable(fd, IPPROTO_IP, IP_PKTINFO);
    }
  }
}

udp::endpoint UdpSocket::local_endpoint() const { return socket_.local_endpoint(); }

void UdpSocket::close() noexcept {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::span<const Datagram> UdpSocket::receive_batch() {
  if (!socket_.is_open()) return {};
  Buffers& b = *buffers_;
  for (std::size_t i = 0; i < kBatch; ++i) {
    b.vectors[i] = {b.data[i].data(), kReceiveSize};
    msghdr& header = b.headers[i].msg_hdr;
    header = {};
    header.msg_name = &b.names[i];
    header.msg_namelen = sizeof(sockaddr_storage);
    header.msg_iov = &b.vectors[i];
    header.msg_iovlen = 1;
    header.msg_control = b.controls[i].data();
    header.msg_controllen = kControlSize;
  }
  int count = 0;
  do {
    count = ::recvmmsg(socket_.native_handle(), b.headers.data(), kBatch, MSG_DONTWAIT, nullptr);
  } while (count < 0 && errno == EINTR);
  if (count <= 0) return {};
  const auto received = static_cast<std::size_t>(count);
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  for (std::size_t i = 0; i < received; ++i) {
    msghdr& header = b.headers[i].msg_hdr;
    Datagram& datagram = received_[i];
    const std::size_t size = std::min<std::size_t>(b.headers[i].msg_len, kReceiveSize);
    datagram.bytes = protocol::ByteView(b.data[i].data(), size);
    datagram.truncated = (header.msg_flags & MSG_TRUNC) != 0;
    datagram.from = udp::endpoint{};
    const std::size_t name_size = std::min<std::size_t>(header.msg_namelen, datagram.from.capacity());
    std::memcpy(datagram.from.data(), &b.names[i], name_size);
    datagram.from.resize(name_size);
    read_control(header, pktinfo_, since_epoch(now), datagram);
  }
  return {received_.data(), received};
}

std::size_t UdpSocket::send_batch(std::span<const OutgoingDatagram> datagrams) {
  if (!socket_.is_open()) return 0;
  Buffers& b = *buffers_;
  std::size_t accepted = 0;
  for (std::size_t start = 0; start < datagrams.size(); start += kBatch) {
    const std::size_t count = std::min(kBatch, datagrams.size() - start);
    for (std::size_t i = 0; i < count; ++i) {
      const OutgoingDatagram& out = datagrams[start + i];
      b.out_vectors[i] = {const_cast<std::byte*>(out.bytes.data()), out.size};
      msghdr& header = b.out_headers[i].msg_hdr;
      header = {};
      header.msg_name = const_cast<sockaddr*>(out.to.data());
      header.msg_namelen = static_cast<socklen_t>(out.to.size());
      header.msg_iov = &b.out_vectors[i];
      header.msg_iovlen = 1;
      if (pktinfo_ && out.from.known) {
        header.msg_control = b.out_controls[i].data();
        header.msg_controllen = write_local_address(out.from, v6_, b.out_controls[i].data());
      }
    }
    std::size_t next = 0;
    while (next < count) {
      const int sent = ::sendmmsg(socket_.native_handle(), b.out_headers.data() + next,
                                  static_cast<unsigned>(count - next), MSG_DONTWAIT);
      if (sent > 0) {
        next += static_cast<std::size_t>(sent);
        accepted += static_cast<std::size_t>(sent);
      } else if (sent == 0) {
        return accepted;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        return accepted;
      } else {
        ++next;  // this destination is refused (unreachable, bad address): skip it
      }
    }
  }
  return accepted;
}

}  // namespace plenum::server::voice
