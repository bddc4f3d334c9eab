#include "tests/support/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace plenum::test {
namespace {

// An fd closed on scope exit.
struct Socket {
  int fd = -1;
  explicit Socket(int type) : fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

sockaddr_in loopback_address(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    throw std::system_error(EINVAL, std::generic_category(), "find_free_port: bad host " + host);
  }
  return address;
}

bool bind_to(const Socket& socket, const sockaddr_in& address) {
  return socket.fd >= 0 &&
         ::bind(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace

std::uint16_t find_free_port(const std::string& host) {
  constexpr int kAttempts = 8;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const Socket tcp(SOCK_STREAM);
    if (!bind_to(tcp, loopback_address(host, 0))) {
      continue;
    }
    sockaddr_in bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(tcp.fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
      continue;
    }
    const std::uint16_t port = ntohs(bound.sin_port);
    const Socket udp(SOCK_DGRAM);
    if (bind_to(udp, loopback_address(host, port))) {
      return port;
    }
  }
  throw std::system_error(EADDRINUSE, std::generic_category(),
                          "find_free_port: no port free for TCP and UDP on " + host);
}

}  // namespace plenum::test
