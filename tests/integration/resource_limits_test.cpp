// Connections that never log in must not exhaust the server (issue 12, defects 5 and 6): the
// data they may hold in all is capped (40 connections announcing 8 MiB frames used to add
// 12.7 MB of RSS each, for up to 30 s), and when descriptors run out the accept loop backs off
// and logs once per interval (it used to spin a core and write 56 MB of log lines).
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

std::size_t count_lines(const std::string& log, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + needle.size())) ++count;
  return count;
}

// Sends a Version header announcing 0x7FFFFF bytes and all of them but the last.
std::unique_ptr<MumbleTestClient> hold_big_frame(const PlenumProcess& server) {
  ClientOptions options;
  options.port = server.port();
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  protocol::Bytes bytes(protocol::kFrameHeaderSize + protocol::kMaxFramePayload - 1);
  protocol::put_frame_header(bytes, 0, protocol::kMaxFramePayload);
  try {
    client->send_raw(bytes, deadline_in(kStep));
  } catch (const ClientError&) {
    // Closed while sending: the budget was spent.
  }
  return client;
}

TEST_CASE("connections before login share one memory budget; logins go on meanwhile") {
  auto server = start_plenum();
  std::vector<std::unique_ptr<MumbleTestClient>> holders;
  for (int i = 0; i < 8; ++i) holders.push_back(hold_big_frame(*server));
  auto alice = log_in(*server, "alice");
  REQUIRE_MESSAGE(alice.handshake.synced(), alice.handshake.describe());
  std::size_t closed = 0;
  for (auto& holder : holders) {
    if (holder->is_closed_within(deadline_in(1s))) ++closed;
  }
  // 64 MiB in all, an 8 MiB frame needing a 16 MiB buffer: at most 4 of 8 fit.
  MESSAGE(closed << " of 8 connections holding 8 MiB frames closed");
  CHECK(closed >= 4);
  CHECK(count_lines(server->log(), "closed: unauthenticated memory budget") == closed);
  CHECK(alice.client->ping_tcp(deadline_in(kStep)).has_value());
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++count;
  return count;
}

// utime + stime of a process, in clock ticks.
std::uint64_t cpu_ticks(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat{std::istreambuf_iterator<char>{in}, {}};
  // Fields after the command (which may hold spaces) start after the last ')'.
  std::size_t at = stat.rfind(')') + 2;
  std::uint64_t utime = 0;
  std::uint64_t stime = 0;
  for (int field = 3; field <= 15; ++field) {
    const std::size_t end = stat.find(' ', at);
    const std::string_view value{stat.data() + at, end - at};
    if (field == 14) std::from_chars(value.data(), value.data() + value.size(), utime);
    if (field == 15) std::from_chars(value.data(), value.data() + value.size(), stime);
    at = end + 1;
  }
  return utime + stime;
}

int raw_connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

TEST_CASE("out of descriptors, accept backs off and logs once per interval, then recovers") {
  PlenumOptions options = integration_options();
  options.log_level = "debug";  // the per-second stats line paces the observation
  auto server = start_plenum(options);
  auto alice = log_in(*server, "alice");
  REQUIRE(alice.handshake.synced());
  const pid_t pid = server->process()->pid();
  const rlim_t room = static_cast<rlim_t>(open_descriptors(pid) + 4);
  rlimit previous{};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, nullptr, &previous) == 0);
  // The soft limit only: restoring it needs no privilege.
  const rlimit tight{room, previous.rlim_max};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &tight, nullptr) == 0);

  std::vector<int> connections;
  for (int i = 0; i < 30; ++i) connections.push_back(raw_connect(server->port()));
  REQUIRE(server->process()->wait_for_line("accept failed: ", deadline_in(kStep)));
  // Three stats lines: about three seconds with the listener full and no descriptor free.
  const std::uint64_t ticks_before = cpu_ticks(pid);
  const auto wall_before = Clock::now();
  for (int i = 0; i < 3; ++i) REQUIRE(server->process()->wait_for_line("control: stats: ", deadline_in(kStep)));
  const double cpu_seconds = static_cast<double>(cpu_ticks(pid) - ticks_before) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double wall_seconds = std::chrono::duration<double>(Clock::now() - wall_before).count();
  MESSAGE("server CPU while out of descriptors: " << cpu_seconds << " s in " << wall_seconds << " s");
  CHECK(cpu_seconds < 0.5 * wall_seconds);
  CHECK(count_lines(server->log(), "accept failed: ") == 1);

  for (const int fd : connections) ::close(fd);
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &previous, nullptr) == 0);
  auto bob = log_in(*server, "bob");
  CHECK_MESSAGE(bob.handshake.synced(), bob.handshake.describe());
}

}  // namespace
}  // namespace plenum::test
