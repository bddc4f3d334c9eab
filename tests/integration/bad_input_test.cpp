// Hostile and broken peers (STYLE.md §4, "session boundary"): garbage instead of TLS, bad control
// frames before Version, and a thousand half-open connections. A connection that breaks the
// framing or TLS is closed with one log line naming its cause; a message that merely fails to
// decode is dropped (as Murmur does); the server goes on serving everyone else.
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

// A plain TCP connection to 127.0.0.1 that never starts TLS. Owned by the test thread.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::system_error(error, std::generic_category(), "connect");
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(RawConnection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawConnection& operator=(RawConnection&&) = delete;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int fd() const noexcept { return fd_; }

  void send_all(std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0) throw std::system_error(errno, std::generic_category(), "send");
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

 private:
  int fd_;
};

// Reads whatever is pending; true when the peer has closed (EOF, or a reset because it closed
// with our bytes unread).
bool drained_to_close(int fd) {
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got == 0) return true;
    if (got > 0) continue;
    if (errno == EINTR) continue;
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

int poll_timeout_ms(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1000));
}

// Waits until the peer has closed every one of `fds`; returns how many were still open at the
// deadline.
std::size_t wait_all_closed(const std::vector<int>& fds, Deadline deadline) {
  std::vector<pollfd> open;
  open.reserve(fds.size());
  for (const int fd : fds) open.push_back(pollfd{fd, POLLIN, 0});
  while (!open.empty() && Clock::now() < deadline) {
    const int ready = ::poll(open.data(), open.size(), poll_timeout_ms(deadline));
    if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    if (ready <= 0) continue;
    std::erase_if(open, [](const pollfd& entry) { return entry.revents != 0 && drained_to_close(entry.fd); });
    for (auto& entry : open) entry.revents = 0;
  }
  return open.size();
}

std::vector<int> fds_of(const std::vector<RawConnection>& connections) {
  std::vector<int> fds;
  fds.reserve(connections.size());
  for (const auto& connection : connections) fds.push_back(connection.fd());
  return fds;
}

// How many of the connections the peer has already closed, without waiting.
std::size_t count_closed(const std::vector<RawConnection>& connections) {
  std::size_t closed = 0;
  for (const auto& connection : connections) {
    pollfd entry{connection.fd(), POLLIN, 0};
    if (::poll(&entry, 1, 0) > 0 && drained_to_close(entry.fd)) ++closed;
  }
  return closed;
}

std::size_t count_lines(const std::string& log, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + needle.size())) ++count;
  return count;
}

void raise_open_file_limit(rlim_t wanted) {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE_MESSAGE(limit.rlim_cur >= wanted, "RLIMIT_NOFILE hard limit " << limit.rlim_max << " is too low");
}

protocol::Bytes frame(std::uint16_t type, std::string_view payload) {
  protocol::Bytes out;
  protocol::append_frame(out, type, protocol::ByteView(reinterpret_cast<const std::byte*>(payload.data()), payload.size()));
  return out;
}

// A TLS connection that sends `bytes` before any Version; true when the server then closes it.
bool closed_after_sending(const PlenumProcess& server, const protocol::Bytes& bytes) {
  ClientOptions options;
  options.port = server.port();
  MumbleTestClient client(options);
  client.connect(deadline_in(kStep));
  client.send_raw(bytes, deadline_in(kStep));
  return client.is_closed_within(deadline_in(kStep));
}

// A TLS connection that sends `bytes` before its Version and Authenticate; true when it then
// logs in as usual.
bool logs_in_after_sending(const PlenumProcess& server, const protocol::Bytes& bytes, const std::string& name) {
  ClientOptions options;
  options.port = server.port();
  MumbleTestClient client(options);
  client.connect(deadline_in(kStep));
  client.send_raw(bytes, deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  request.udp_ping = false;
  return client.handshake(request, deadline_in(kStep)).synced();
}

void expect_log_line(PlenumProcess& server, const std::string& cause) {
  REQUIRE_MESSAGE(server.process() != nullptr, "the server is not running");
  const auto line = server.process()->wait_for_line("session \\d+: closed: " + cause, deadline_in(kStep));
  CHECK_MESSAGE(line.has_value(), "no log line for " << cause << "\n" << server.log());
}

TEST_CASE("malformed input is dropped or closes only the offending connection, with one log line per cause") {
  auto server = start_plenum();
  auto bystander = log_in(*server, "bystander");
  REQUIRE(bystander.handshake.synced());

  {
    RawConnection garbage(server->port());
    garbage.send_all("GET / HTTP/1.1\r\nHost: plenum\r\n\r\n\x01\x02\xff\xfe not a ClientHello");
    CHECK(wait_all_closed({garbage.fd()}, deadline_in(kStep)) == 0);
    expect_log_line(*server, "tls handshake failed");
  }

  // Unknown types and messages that fail to decode are dropped and the session goes on, as
  // with Murmur (MUMBLE_PROTOCOL.md §1.2); each connection logs a cause once.
  protocol::Bytes unknown = frame(200, "\x08\x01");
  protocol::append_frame(unknown, 200, protocol::ByteView{});
  CHECK(logs_in_after_sending(*server, unknown, "after-unknown"));
  // A length-delimited field announcing 32 bytes with 3 present: no protobuf parser accepts it.
  const std::string_view truncated = "\x12\x20" "abc";
  protocol::Bytes undecodable = frame(0, truncated);  // Version
  protocol::append_frame(undecodable, 9, protocol::ByteView{reinterpret_cast<const std::byte*>(truncated.data()),
                                                           truncated.size()});  // UserState
  CHECK(logs_in_after_sending(*server, undecodable, "after-undecodable"));
  protocol::Bytes oversize(protocol::kFrameHeaderSize);
  protocol::put_frame_header(oversize, 0, 0x800000);
  CHECK(closed_after_sending(*server, oversize));
  expect_log_line(*server, "oversize frame");

  // The others never noticed.
  CHECK(bystander.client->ping_tcp(deadline_in(kStep)).has_value());
  auto late = log_in(*server, "latecomer");
  CHECK(late.handshake.synced());
  REQUIRE(late.handshake.model.user_named("bystander") != nullptr);

  const std::string log = server->log();
  CHECK(count_lines(log, "closed: tls handshake failed") == 1);
  CHECK(count_lines(log, "ignored: unknown message type") == 1);
  CHECK(count_lines(log, "ignored: undecodable message") == 1);
  CHECK(count_lines(log, "closed: unknown message type") == 0);
  CHECK(count_lines(log, "closed: undecodable message") == 0);
  CHECK(count_lines(log, "closed: oversize frame") == 1);
}

TEST_CASE("a thousand half-open connections do not stop logins and are closed after the handshake timeout") {
  constexpr std::size_t kHalfOpen = 1000;
  raise_open_file_limit(kHalfOpen + 512);
  auto server = start_plenum();

  std::vector<RawConnection> half_open;
  half_open.reserve(kHalfOpen);
  for (std::size_t i = 0; i < kHalfOpen; ++i) half_open.emplace_back(server->port());
  // The server closes them 10 s (control_limits.hpp) after accepting, plus one sweep interval.
  const Deadline all_closed_by = deadline_in(20s);

  auto alice = log_in(*server, "alice");
  REQUIRE_MESSAGE(alice.handshake.synced(), alice.handshake.describe());
  CHECK(alice.client->ping_tcp(deadline_in(kStep)).has_value());
  // The login did not come at their expense: the server had not dropped them early.
  CHECK(count_closed(half_open) == 0);

  CHECK(wait_all_closed(fds_of(half_open), all_closed_by) == 0);
  half_open.clear();
  REQUIRE(server->process() != nullptr);
  for (std::size_t i = 0; i < kHalfOpen; ++i) {
    if (!server->process()->wait_for_line("closed: tls handshake timeout", deadline_in(kStep))) {
      FAIL("only " << i << " handshake timeouts were logged");
    }
  }

  CHECK(alice.client->ping_tcp(deadline_in(kStep)).has_value());
  auto bob = log_in(*server, "bob");
  CHECK(bob.handshake.synced());
}

}  // namespace
}  // namespace plenum::test
