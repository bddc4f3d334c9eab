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

TEST_CASE("connections before login share one memory budget, logins go on meanwhile") {
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

}  // namespace
}  // namespace plenum::test
