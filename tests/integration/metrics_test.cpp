// The Prometheus endpoint (metrics_address, docs/operator-guide.md §8): the real plenum-server
// serves its counters over HTTP; a voice session moves them; the page names no user and no
// address; without the key the server opens no such port.
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <string>

namespace plenum::test {
namespace {

using protocol::Bytes;

// GET /metrics over a plain loopback TCP socket; the body (empty when it fails).
std::string scrape(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      for (;;) {
        const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
        if (got <= 0) break;
        response.append(buffer, static_cast<std::size_t>(got));
      }
    }
  }
  ::close(fd);
  const auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string{} : response.substr(body + 4);
}

// The value of the sample `name` (with its labels, e.g. `x{type="Ping"}`); -1 when absent.
double value_of(const std::string& page, const std::string& sample) {
  std::istringstream lines{page};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(sample + " ")) return std::strtod(line.c_str() + sample.size() + 1, nullptr);
  }
  return -1;
}

double sum_of(const std::string& page, const std::string& family) {
  std::istringstream lines{page};
  std::string line;
  double sum = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with(family + "{")) continue;
    sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return sum;
}

std::uint16_t metrics_port(const PlenumProcess& server) {
  // No <regex> here: GCC 12 warns falsely inside it with sanitizers (tests/support/process.hpp).
  const std::string log = server.log();
  const std::string prefix = "metrics: serving http://127.0.0.1:";
  const auto at = log.find(prefix);
  REQUIRE_MESSAGE(at != std::string::npos, log);
  return static_cast<std::uint16_t>(std::stoi(log.substr(at + prefix.size())));
}

// Scrapes until `done(page)` holds or the step's deadline passes (the planes publish once a
// second); returns the last page.
template <class Done>
std::string scrape_until(std::uint16_t port, Done done) {
  const auto deadline = deadline_in(kStep);
  std::string page = scrape(port);
  while (!done(page) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    page = scrape(port);
  }
  return page;
}

// Inodes of the TCP sockets `pid` listens on (state 0A in /proc/net/tcp{,6}).
std::set<std::string> listening_inodes(pid_t pid) {
  std::set<std::string> owned;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code error;
    const std::string target = std::filesystem::read_symlink(fd.path(), error).string();
    if (!error && target.starts_with("socket:[")) owned.insert(target.substr(8, target.size() - 9));
  }
  std::set<std::string> listening;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in{table};
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields{line};
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (state == "0A" && owned.contains(inode)) listening.insert(inode);
    }
  }
  return listening;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("a voice session moves the scraped counters, and the page names no user or address") {
    PlenumOptions options = integration_options();
    options.settings.bandwidth_bps = 558000;
    options.settings.extra_ini.emplace_back("metrics_address", "127.0.0.1:0");
    auto server = start_plenum(options);
    const std::uint16_t port = metrics_port(*server);
    const std::string before = scrape(port);
    REQUIRE_MESSAGE(!before.empty(), server->log());
    CHECK(value_of(before, "plenum_users") == 0);
    const double in_before = value_of(before, "plenum_voice_packets_received_total");
    const double out_before = value_of(before, "plenum_voice_datagrams_sent_total");
    const double messages_before = sum_of(before, "plenum_control_messages_received_total");
    REQUIRE(in_before >= 0);
    REQUIRE(out_before >= 0);

    auto alice = join_voice(*server, "alice-metrics");
    auto bob = join_voice(*server, "bob-metrics");
    constexpr int kFrames = 5;
    const Bytes opus{std::byte{0xf8}, std::byte{1}, std::byte{0xfe}, std::byte{1}};
    int heard = 0;
    for (int frame = 0; frame < kFrames; ++frame) {
      protocol::VoicePacket packet;
      packet.frame_number = static_cast<std::uint64_t>(frame) * 2;
      packet.opus = opus;
      alice.client->send_opus(packet, VoicePath::Udp, deadline_in(kStep));
    }
    for (int frame = 0; frame < kFrames; ++frame) {
      if (bob.client->receive_voice(deadline_in(kStep))) ++heard;
    }
    REQUIRE(heard == kFrames);

    const std::string after = scrape_until(port, [&](const std::string& page) {
      return value_of(page, "plenum_users") == 2 &&
             value_of(page, "plenum_voice_packets_received_total") >= in_before + kFrames &&
             value_of(page, "plenum_voice_datagrams_sent_total") >= out_before + kFrames;
    });
    INFO(after);
    CHECK(value_of(after, "plenum_users") == 2);
    CHECK(value_of(after, "plenum_sessions{version=\"1.3.4\"}") == 2);
    CHECK(value_of(after, "plenum_voice_packets_received_total") >= in_before + kFrames);
    CHECK(value_of(after, "plenum_voice_datagrams_sent_total") >= out_before + kFrames);
    CHECK(value_of(after, "plenum_control_messages_received_total{type=\"Authenticate\"}") >= 2);
    CHECK(sum_of(after, "plenum_control_messages_received_total") > messages_before);
    CHECK(value_of(after, "plenum_engine_ticks_total") > 0);
    CHECK(value_of(after, "plenum_process_resident_memory_bytes") > 0);
    CHECK(after.find("127.0.0.1") == std::string::npos);
    CHECK(after.find("alice") == std::string::npos);
    CHECK(after.find("bob") == std::string::npos);
  }

  TEST_CASE("without metrics_address the server opens no metrics port") {
    auto server = start_plenum();
    CHECK(server->log().find("metrics: serving") == std::string::npos);
    // The control listener only: the TCP socket clients connect to.
    CHECK(listening_inodes(server->process()->pid()).size() == 1);

    PlenumOptions options = integration_options();
    options.settings.extra_ini.emplace_back("metrics_address", "127.0.0.1:0");
    auto with_metrics = start_plenum(options);
    CHECK(listening_inodes(with_metrics->process()->pid()).size() == 2);
  }
}

}  // namespace plenum::test
