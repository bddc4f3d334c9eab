// Password guessing (issue 12, defect 3): 120 connections guessing SuperUser's password from
// one address used to queue on the single password-check worker, and the real SuperUser's login
// took 29 s or hit the 30 s login deadline. Now a login from an address without failures goes
// first, and Murmur's autoban (autobanAttempts=10 in autobanTimeframe=120 s, autobanTime=300 s)
// refuses the guessing address. The guessers come from 127.0.0.2, the administrator from
// 127.0.0.1 (Linux routes all of 127/8 to loopback).
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>

namespace plenum::test {
namespace {

constexpr const char* kGuesserAddress = "127.0.0.2";

// Connects from kGuesserAddress and sends Version + Authenticate as SuperUser with a wrong
// password, without waiting for the answer. Null when the server refused the connection.
std::unique_ptr<MumbleTestClient> guess(const PlenumProcess& server, int attempt) {
  ClientOptions options;
  options.port = server.port();
  options.local_address = kGuesserAddress;
  auto client = std::make_unique<MumbleTestClient>(options);
  try {
    client->connect(deadline_in(kStep));
    MumbleProto::Version version;
    protocol::set_version(version, protocol::Version{1, 3, 4});
    client->send(version, deadline_in(kStep));
    MumbleProto::Authenticate authenticate;
    authenticate.set_username("SuperUser");
    authenticate.set_password("guess-" + std::to_string(attempt));
    client->send(authenticate, deadline_in(kStep));
  } catch (const ClientError&) {
    return nullptr;  // autobanned: closed at once
  }
  return client;
}

TEST_CASE("120 guesses from one address neither delay SuperUser's login from another nor go unbanned") {
  auto server = start_with_superuser();
  std::vector<std::unique_ptr<MumbleTestClient>> guessers;
  std::size_t refused = 0;
  for (int i = 0; i < 120; ++i) {
    auto client = guess(*server, i);
    if (client) {
      guessers.push_back(std::move(client));
    } else {
      ++refused;
    }
  }
  const auto start = Clock::now();
  auto admin = log_in(*server, "SuperUser", kSuperUserPassword);
  MESSAGE("SuperUser logged in after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() << " ms, "
          << refused << " of 120 guessing connections refused at connect");
  REQUIRE_MESSAGE(admin.handshake.synced(), admin.handshake.describe());

  // The guessing address was autobanned: one log line says so, and it is refused now.
  REQUIRE(server->process() != nullptr);
  CHECK(server->process()->wait_for_line("autoban: 10 failed logins from \\[ip hidden\\] within 120 s",
                                         deadline_in(kStep)));
  CHECK(guess(*server, 1000) == nullptr);
  std::size_t closed = 0;
  for (auto& client : guessers) {
    if (client->is_closed_within(deadline_in(kStep))) ++closed;
  }
  CHECK(closed == guessers.size());
  // Everyone else still gets in.
  auto member = log_in(*server, "member");
  CHECK(member.handshake.synced());
}

TEST_CASE("with autobanAttempts = 0 wrong passwords are refused but never ban") {
  PlenumOptions options = admin_options();
  options.settings.extra_ini.emplace_back("autobanAttempts", "0");
  auto server = start_with_superuser(options);
  for (int i = 0; i < 12; ++i) {
    auto wrong = log_in(*server, "SuperUser", "wrong-" + std::to_string(i));
    REQUIRE(wrong.handshake.model.reject.has_value());
    CHECK(wrong.handshake.model.reject->type() == MumbleProto::Reject::WrongUserPW);
  }
  auto admin = log_in_superuser(*server);
  CHECK(admin.handshake.synced());
  CHECK(server->log().find("autoban:") == std::string::npos);
}

}  // namespace
}  // namespace plenum::test
