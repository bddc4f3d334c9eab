// SendFloorProbe: what the kernel alone charges a voice server per datagram it sends. One
// sender socket set up as plenum-server's voice socket is (UdpSocket::bind: dual-stack [::],
// 4 MiB buffers, SO_TIMESTAMPNS, packet-info options) sends a voice-sized datagram round-robin
// to loopback receivers with sendmmsg, and only the time inside sendmmsg is counted, on the
// thread's CPU clock. The receivers are drained between timed batches and never wait in a
// poll, so no wake-up is in the figure: it is a floor, below what a server pays for the same
// sends to sleeping clients. Owned by one thread.
#pragma once

#include "tests/load/send_floor_batch.hpp"
#include "tests/load/send_floor_options.hpp"
#include "tests/load/send_floor_result.hpp"

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace plenum::load {

class SendFloorProbe {
 public:
  // Opens and binds every socket; throws std::system_error when one cannot be set up.
  explicit SendFloorProbe(const SendFloorOptions& options);

  // An untimed warm-up, then options.datagrams (rounded up to whole batches) timed sends.
  SendFloorResult run();

 private:
  // A socket descriptor, closed with its owner.
  class Fd {
   public:
    explicit Fd(int fd) noexcept : fd_{fd} {}
    Fd(Fd&& other) noexcept : fd_{other.fd_} { other.fd_ = -1; }
    Fd& operator=(Fd&& other) noexcept {
      std::swap(fd_, other.fd_);
      return *this;
    }
    ~Fd();
    int get() const noexcept { return fd_; }

   private:
    int fd_;
  };

  void open_sender();
  void open_receivers();
  // Sends one whole batch; returns the thread CPU seconds spent inside sendmmsg.
  double send_batch();
  // Reads everything queued at the receivers; returns how many datagrams that was.
  std::uint64_t drain();

  SendFloorOptions options_;
  Fd sender_{-1};
  std::vector<Fd> receivers_;
  std::vector<sockaddr_in6> destinations_;
  std::vector<std::byte> payload_;
  std::optional<SendFloorBatch> batch_;  // once destinations_ is complete
};

}  // namespace plenum::load
