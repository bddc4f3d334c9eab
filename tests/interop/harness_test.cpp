// Self-tests of the process plumbing in tests/support (ChildProcess, TempDir, free ports,
// PlenumProcess against a stand-in script): the parts the server checks do not reach.
#include "tests/support/free_port.hpp"
#include "tests/support/plenum_process.hpp"
#include "tests/support/process.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <csignal>
#include <fstream>
#include <system_error>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

ProcessOptions shell(const std::string& script) {
  ProcessOptions options;
  options.program = "/bin/sh";
  options.args = {"-c", script};
  return options;
}

// Prints the DESIGN.md §6 line for its --port (40000 for 0), counts its starts in the data
// dir, and exits 0 on SIGTERM. `wait` returns early on a trapped signal, `sleep` would not.
constexpr const char* kFakeServer = R"sh(#!/bin/sh
port=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift ;;
    --data-dir) dir=$2; shift ;;
  esac
  shift
done
[ "$port" = 0 ] && port=40000
sleep 30 &
child=$!
trap 'kill $child; exit 0' TERM
echo start >> "$dir/starts"
echo "plenum-server listening on 127.0.0.1:$port (tcp+udp)"
wait $child
)sh";

}  // namespace

TEST_SUITE("harness") {
  TEST_CASE("wait_for_line returns successive matches with their groups") {
    ChildProcess child(shell("echo 'a 1'; echo 'b 2'; echo 'a 3'"));
    const auto first = child.wait_for_line(R"(a (\d))", deadline_in(5s));
    REQUIRE(first);
    CHECK(first->line == "a 1");
    CHECK(first->groups.at(1) == "1");
    const auto second = child.wait_for_line(R"(a (\d))", deadline_in(5s));
    REQUIRE(second);
    CHECK(second->groups.at(1) == "3");
    CHECK_FALSE(child.wait_for_line("a", deadline_in(5s)));
    const auto status = child.wait(deadline_in(5s));
    REQUIRE(status);
    CHECK(status->clean());
    CHECK(child.output() == "a 1\nb 2\na 3\n");
  }

  TEST_CASE("environment, working directory and exit code reach the child") {
    TempDir dir;
    ProcessOptions options = shell(R"sh(echo "$PLENUM_TEST_VALUE $(pwd)" >&2; exit 3)sh");
    options.env = {{"PLENUM_TEST_VALUE", "forty-two"}};
    options.working_dir = dir.path();
    ChildProcess child(options);
    CHECK(child.wait_for_line("forty-two " + dir.path().string(), deadline_in(5s)));
    const auto status = child.wait(deadline_in(5s));
    REQUIRE(status);
    CHECK(status->exit_code == 3);
    std::ifstream file(child.output_file());
    std::string copied;
    std::getline(file, copied);
    CHECK(copied == "forty-two " + dir.path().string());
  }

  TEST_CASE("terminate sends SIGTERM, and SIGKILL to a child that ignores it") {
    ChildProcess polite(shell("echo up; exec sleep 30"));
    REQUIRE(polite.wait_for_line("up", deadline_in(5s)));
    CHECK(polite.terminate(5s).signal == SIGTERM);

    ChildProcess stubborn(shell("trap '' TERM; echo up; while :; do sleep 1; done"));
    REQUIRE(stubborn.wait_for_line("up", deadline_in(5s)));
    CHECK(stubborn.terminate(200ms).signal == SIGKILL);
  }

  TEST_CASE("the child inherits no descriptor beyond stdin, stdout and stderr") {
    // Asio's sockets are opened like this one, without close-on-exec.
    const int leaky = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(leaky > 2);
    const std::string fd = std::to_string(leaky);
    ChildProcess child(shell("if [ -e /proc/$$/fd/" + fd + " ]; then echo leaked; else echo clean; fi"));
    const auto verdict = child.wait_for_line("leaked|clean", deadline_in(5s));
    ::close(leaky);
    REQUIRE(verdict);
    CHECK(verdict->line == "clean");
  }

  TEST_CASE("a program that cannot be executed throws at start") {
    ProcessOptions options;
    options.program = "/nonexistent/plenum-test-binary";
    CHECK_THROWS_AS(ChildProcess{options}, std::system_error);
  }

  TEST_CASE("TempDir removes its tree unless kept") {
    std::filesystem::path removed;
    std::filesystem::path kept;
    {
      TempDir dir("harness-");
      removed = dir.path();
      std::filesystem::create_directories(dir.path() / "a" / "b");
      std::ofstream(dir.path() / "a" / "b" / "file") << "x";
      TempDir other("harness-");
      kept = other.path();
      other.keep();
    }
    CHECK_FALSE(std::filesystem::exists(removed));
    CHECK(std::filesystem::exists(kept));
    std::filesystem::remove_all(kept);
  }

  TEST_CASE("find_free_port gives a port both TCP and UDP can bind") {
    namespace asio = boost::asio;
    const std::uint16_t port = find_free_port();
    asio::io_context io;
    const auto address = asio::ip::make_address("127.0.0.1");
    asio::ip::tcp::acceptor tcp(io, asio::ip::tcp::endpoint(address, port));
    asio::ip::udp::socket udp(io, asio::ip::udp::endpoint(address, port));
    CHECK(tcp.local_endpoint().port() == port);
    CHECK(udp.local_endpoint().port() == port);
  }

  TEST_CASE("PlenumProcess parses the listening line and restarts on the same data") {
    TempDir bin;
    const auto script = bin.path() / "fake-plenum-server";
    std::ofstream(script) << kFakeServer;
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);

    PlenumOptions options;
    options.binary = script;
    PlenumProcess server(options);
    server.start();
    const std::uint16_t port = server.port();
    CHECK(port != 0);
    server.restart();
    CHECK(server.port() == port);
    REQUIRE(server.last_exit());
    CHECK(server.last_exit()->clean());
    std::ifstream starts(server.data_dir() / "starts");
    std::string all((std::istreambuf_iterator<char>(starts)), std::istreambuf_iterator<char>());
    CHECK(all == "start\nstart\n");
    server.stop();
    CHECK(server.log().find("listening on 127.0.0.1:" + std::to_string(port)) != std::string::npos);

    PlenumOptions ephemeral = options;
    ephemeral.ephemeral_port = true;
    PlenumProcess zero(ephemeral);
    zero.start();
    CHECK(zero.port() == 40000);
  }
}

}  // namespace plenum::test
