// SIGHUP reload (docs/operator-guide.md §4): the real plenum-server re-reads its --config file,
// applies what can change at run time, names what needs a restart, and refuses a broken file
// without changing anything.
#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <string>

namespace plenum::test {
namespace {

void write_ini(const PlenumProcess& server, const std::string& text) {
  std::ofstream ini(server.config_file(), std::ios::trunc);
  ini << text;
  REQUIRE(ini.flush());
}

// Sends SIGHUP and waits for the server's answer line (applied, refused, ...).
std::string reload(PlenumProcess& server, const std::string& answer_pattern) {
  REQUIRE(::kill(server.process()->pid(), SIGHUP) == 0);
  const auto line = server.process()->wait_for_line(answer_pattern, deadline_in(kStep));
  REQUIRE_MESSAGE(line.has_value(), server.log());
  return line->line;
}

std::string welcome_of(const PlenumProcess& server, const std::string& name) {
  auto user = log_in(server, name);
  REQUIRE_MESSAGE(user.handshake.synced(), user.handshake.describe());
  return user.handshake.model.server_sync->welcome_text();
}

std::uint32_t max_users_of(const PlenumProcess& server, const std::string& name) {
  auto user = log_in(server, name);
  REQUIRE_MESSAGE(user.handshake.model.server_config, user.handshake.describe());
  return user.handshake.model.server_config->max_users();
}

TEST_CASE("SIGHUP applies a changed welcome text and limit to the next client") {
  auto server = start_plenum();
  CHECK(welcome_of(*server, "before") == "Welcome to the integration test");

  write_ini(*server,
            "welcometext=Plenary starts at ten\n"
            "registerName=Integration Root\n"
            "users=300\n"
            "voice_max_queue_ms=2000\n");
  const std::string applied = reload(*server, "reload: applied");
  CHECK(applied.find("users") != std::string::npos);
  CHECK(applied.find("welcometext") != std::string::npos);
  CHECK(welcome_of(*server, "after") == "Plenary starts at ten");
  CHECK(max_users_of(*server, "counter") == 300);
}

TEST_CASE("SIGHUP names the keys that need a restart and keeps their running values") {
  auto server = start_plenum();
  write_ini(*server,
            "welcometext=Welcome to the integration test\n"
            "registerName=Renamed Root\n"
            "users=5000\n"
            "voice_max_queue_ms=2000\n");
  CHECK(reload(*server, "reload: changed but need a restart").find("registerName") !=
        std::string::npos);
  auto user = log_in(*server, "alice");
  REQUIRE(user.handshake.synced());
  CHECK(user.handshake.model.channels.at(0).name() == "Integration Root");
}

TEST_CASE("SIGHUP with a broken file changes nothing and says so in one line") {
  auto server = start_plenum();
  write_ini(*server,
            "welcometext=This must not appear\n"
            "users=many\n");
  const std::string refused = reload(*server, "reload: refused, running config unchanged");
  CHECK(refused.find("users") != std::string::npos);
  CHECK(refused.find("many") != std::string::npos);
  CHECK(welcome_of(*server, "still") == "Welcome to the integration test");

  // The server keeps serving and a fixed file is taken on the next SIGHUP.
  write_ini(*server, "welcometext=Fixed\nregisterName=Integration Root\nusers=5000\n"
                     "voice_max_queue_ms=2000\n");
  reload(*server, "reload: applied welcometext");
  CHECK(welcome_of(*server, "fixed") == "Fixed");
}

}  // namespace
}  // namespace plenum::test
