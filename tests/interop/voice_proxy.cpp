#include "tests/interop/voice_proxy.hpp"

#include "tests/support/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

namespace plenum::test {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int checked(int result, const char* what) {
  if (result < 0) {
    throw std::system_error(errno, std::generic_category(), what);
  }
  return result;
}

int bound_socket(int type, std::uint16_t port) {
  const int fd = checked(::socket(AF_INET, type | SOCK_CLOEXEC, 0), "proxy socket");
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in address = loopback(port);
  checked(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), "proxy bind");
  return fd;
}

// Copies what is readable on `from` to `to`; false when the stream ended.
bool pump(int from, int to) {
  std::array<char, 16384> buffer{};
  const ssize_t n = ::read(from, buffer.data(), buffer.size());
  if (n <= 0) {
    return false;
  }
  ssize_t written = 0;
  while (written < n) {
    const ssize_t w = ::write(to, buffer.data() + written, static_cast<std::size_t>(n - written));
    if (w <= 0) {
      return false;
    }
    written += w;
  }
  return true;
}

}  // namespace

VoiceProxy::VoiceProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
  port_ = find_free_port();
  listener_ = bound_socket(SOCK_STREAM, port_);
  checked(::listen(listener_, 4), "proxy listen");
  udp_ = bound_socket(SOCK_DGRAM, port_);
  upstream_udp_ = checked(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "proxy socket");
  const sockaddr_in server = loopback(upstream_port_);
  checked(::connect(upstream_udp_, reinterpret_cast<const sockaddr*>(&server), sizeof server),
          "proxy connect");
  thread_ = std::thread([this] { run(); });
}

VoiceProxy::~VoiceProxy() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
  ::close(udp_);
  ::close(upstream_udp_);
}

void VoiceProxy::run() {
  int client_tcp = -1;
  int server_tcp = -1;
  sockaddr_in client_udp{};
  bool client_udp_known = false;
  std::array<char, 2048> datagram{};
  while (!stop_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}, {udp_, POLLIN, 0}, {upstream_udp_, POLLIN, 0}};
    if (client_tcp >= 0) {
      fds.push_back({client_tcp, POLLIN, 0});
      fds.push_back({server_tcp, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) {
      continue;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      const int accepted = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (accepted >= 0 && client_tcp >= 0) {
        ::close(accepted);  // one client at a time
      } else if (accepted >= 0) {
        server_tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in server = loopback(upstream_port_);
        if (::connect(server_tcp, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
          ::close(server_tcp);
          ::close(accepted);
        } else {
          client_tcp = accepted;
        }
      }
    }
    if ((fds[1].revents & POLLIN) != 0) {
      socklen_t length = sizeof client_udp;
      const ssize_t n = ::recvfrom(udp_, datagram.data(), datagram.size(), 0,
                                   reinterpret_cast<sockaddr*>(&client_udp), &length);
      client_udp_known = true;
      ++to_server_;
      if (n > 0 && !drop_to_server_) {
        ::send(upstream_udp_, datagram.data(), static_cast<std::size_t>(n), 0);
      } else if (n > 0) {
        ++dropped_;
      }
    }
    if ((fds[2].revents & POLLIN) != 0) {
      const ssize_t n = ::recv(upstream_udp_, datagram.data(), datagram.size(), 0);
      ++to_client_;
      if (n > 0 && client_udp_known && !drop_to_client_) {
        ::sendto(udp_, datagram.data(), static_cast<std::size_t>(n), 0,
                 reinterpret_cast<const sockaddr*>(&client_udp), sizeof client_udp);
      } else if (n > 0) {
        ++dropped_;
      }
    }
    // Only streams that were polled (one accepted just now waits for the next round).
    if (fds.size() == 5) {
      const short ready = POLLIN | POLLHUP;
      const bool ended = ((fds[3].revents & ready) != 0 && !pump(client_tcp, server_tcp)) ||
                         ((fds[4].revents & ready) != 0 && !pump(server_tcp, client_tcp));
      if (ended) {
        ::close(client_tcp);
        ::close(server_tcp);
        client_tcp = server_tcp = -1;
      }
    }
  }
  if (client_tcp >= 0) {
    ::close(client_tcp);
    ::close(server_tcp);
  }
}

}  // namespace plenum::test
