#include "tests/load/send_floor_probe.hpp"

#include "tests/load/send_floor_batch.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <span>
#include <string>
#include <system_error>

namespace plenum::load {
namespace {

constexpr int kBufferBytes = 4 << 20;  // as UdpSocket::bind asks for
constexpr std::size_t kDrainBatch = 64;
constexpr std::uint64_t kWarmupBatches = 32;

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void set_int(int fd, int level, int option, int value, const char* what) {
  if (::setsockopt(fd, level, option, &value, sizeof(value)) != 0) fail(what);
}

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

sockaddr_in loopback_v4(std::uint16_t port_be) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = port_be;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

SendFloorProbe::Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

SendFloorProbe::SendFloorProbe(const SendFloorOptions& options)
    : options_{options}, payload_(options.size, std::byte{0x5A}) {
  open_sender();
  open_receivers();
  std::optional<in6_addr> source;
  // The server pins each reply's source to the address the client wrote to: 127.0.0.1 here,
  // as a v4-mapped IPv6 address on its dual-stack socket.
  if (options_.pktinfo) source = v4_mapped(loopback_v4(0)).sin6_addr;
  batch_.emplace(destinations_, payload_, options_.batch, source);
}

void SendFloorProbe::open_sender() {
  sender_ = Fd{::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  const int fd = sender_.get();
  if (fd < 0) fail("socket(AF_INET6)");
  set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
  // The server tolerates a capped buffer size; so does the probe.
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kBufferBytes, sizeof(kBufferBytes));
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kBufferBytes, sizeof(kBufferBytes));
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  any.sin6_addr = in6addr_any;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof(any)) != 0) fail("bind [::]");
  // Receive-side options, but SO_TIMESTAMPNS also switches on the kernel's timestamp of every
  // packet, which each loopback send then pays for, as the server's sends do.
  set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
  set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  set_int(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
}

void SendFloorProbe::open_receivers() {
  sockaddr_in6 local{};
  socklen_t local_size = sizeof(local);
  if (::getsockname(sender_.get(), reinterpret_cast<sockaddr*>(&local), &local_size) != 0) {
    fail("getsockname");
  }
  const sockaddr_in sender = loopback_v4(local.sin6_port);
  receivers_.reserve(options_.receivers);
  destinations_.reserve(options_.receivers);
  for (std::uint32_t i = 0; i < options_.receivers; ++i) {
    receivers_.emplace_back(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    const int fd = receivers_.back().get();
    if (fd < 0) fail("socket(AF_INET)");
    // FORCE passes net.core.rmem_max when run as root; a refusal leaves the plain request.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kBufferBytes, sizeof(kBufferBytes)) != 0) {
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kBufferBytes, sizeof(kBufferBytes));
    }
    // Like plenum-load's clients: timestamped, and connected to the server's address.
    set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
    sockaddr_in address = loopback_v4(0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      fail("bind 127.0.0.1");
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sender), sizeof(sender)) != 0) {
      fail("connect");
    }
    socklen_t size = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) fail("getsockname");
    destinations_.push_back(v4_mapped(address));
  }
}

SendFloorResult SendFloorProbe::run() {
  // Caches, routes and socket lookups warm, as in a server that has been relaying a while.
  for (std::uint64_t i = 0; i < kWarmupBatches; ++i) {
    send_batch();
    drain();
  }
  SendFloorResult result;
  result.receivers = options_.receivers;
  result.batch = options_.batch;
  result.size = options_.size;
  result.pktinfo = options_.pktinfo;
  const std::uint64_t batches = (options_.datagrams + options_.batch - 1) / options_.batch;
  for (std::uint64_t i = 1; i <= batches; ++i) {
    result.send_cpu_s += send_batch();
    if (i % options_.drain_every == 0) result.received += drain();
  }
  result.datagrams = batches * options_.batch;
  // Loopback delivers inside sendmmsg unless softirqs were deferred to ksoftirqd; give those
  // a moment to land before counting what was lost.
  for (int wait = 0; wait < 50 && result.received < result.datagrams; ++wait) {
    result.received += drain();
    if (result.received < result.datagrams) ::usleep(2000);
  }
  return result;
}

double SendFloorProbe::send_batch() {
  const std::span<mmsghdr> headers = batch_->next();
  double cpu_s = 0;
  std::size_t next = 0;
  int full = 0;
  while (next < headers.size()) {
    const double start = thread_cpu_seconds();
    const int sent = ::sendmmsg(sender_.get(), headers.data() + next,
                                static_cast<unsigned>(headers.size() - next), MSG_DONTWAIT);
    cpu_s += thread_cpu_seconds() - start;
    if (sent > 0) {
      next += static_cast<std::size_t>(sent);
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == ENOBUFS) && ++full < 1000) {
      drain();  // the receivers' queues are full: make room (untimed) and go on
    } else {
      fail("sendmmsg");
    }
  }
  return cpu_s;
}

std::uint64_t SendFloorProbe::drain() {
  // Longer datagrams are cut short: only their count matters here.
  std::array<std::array<std::byte, 128>, kDrainBatch> data{};
  std::array<iovec, kDrainBatch> vectors{};
  std::array<mmsghdr, kDrainBatch> headers{};
  std::uint64_t drained = 0;
  for (const Fd& fd : receivers_) {
    for (;;) {
      for (std::size_t i = 0; i < kDrainBatch; ++i) {
        vectors[i] = {data[i].data(), data[i].size()};
        headers[i] = {};
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      const int got = ::recvmmsg(fd.get(), headers.data(), kDrainBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      drained += static_cast<std::uint64_t>(got);
    }
  }
  return drained;
}

}  // namespace plenum::load
