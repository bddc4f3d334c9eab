// ServerUnderTest: what an interop or integration test needs from a Mumble-protocol server it
// started (Murmur as the oracle, Plenum as the subject). Owned by the test thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace plenum::test {

// Settings both servers understand under Murmur's key names (DESIGN.md §3); the tests check
// the handshake and the query ping against these values.
struct ServerSettings {
  std::string register_name = "Plenum Test Root";  // root channel name
  std::string welcome_text = "Welcome to the test server";
  std::uint32_t bandwidth_bps = 72000;
  std::uint32_t max_users = 5000;
  // More `key=value` lines for the server's ini file, written verbatim.
  std::vector<std::pair<std::string, std::string>> extra_ini;
};

class ServerUnderTest {
 public:
  virtual ~ServerUnderTest() = default;

  // Returns once the server accepts TCP and UDP on 127.0.0.1:port(); throws on failure or
  // when startup takes longer than the implementation's deadline (≤ 10 s).
  virtual void start() = 0;
  // SIGTERM and wait; a no-op when not running.
  virtual void stop() = 0;
  // Sets SuperUser's password in the server's database; call before start().
  virtual void set_superuser_password(const std::string& password) = 0;

  virtual std::string name() const = 0;  // "murmur", "plenum"
  virtual std::string host() const { return "127.0.0.1"; }
  virtual std::uint16_t port() const = 0;
  virtual const ServerSettings& settings() const = 0;
  // The v1 version the server announces (Version message, query ping), when known up front.
  virtual std::optional<std::uint32_t> version_v1() const = 0;
  // Everything the server printed, for failure messages.
  virtual std::string log() const = 0;
};

}  // namespace plenum::test
