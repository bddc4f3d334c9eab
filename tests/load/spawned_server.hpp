// SpawnedServer: the plenum-server or murmurd a plenum-load run starts for itself (--spawn),
// through the tests/support launchers (temp dir, ini, free port, readiness), with the limits
// a load test needs (users=5000; Murmur's autoban off). Owned by main's thread.
#pragma once

#include "tests/load/load_options.hpp"
#include "tests/support/server_under_test.hpp"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace plenum::load {

class SpawnedServer {
 public:
  // Starts the server; throws std::runtime_error with its output when it does not come up.
  explicit SpawnedServer(const LoadOptions& options);
  ~SpawnedServer();
  SpawnedServer(const SpawnedServer&) = delete;
  SpawnedServer& operator=(const SpawnedServer&) = delete;

  std::string name() const { return server_->name(); }
  std::uint16_t port() const { return server_->port(); }
  pid_t pid() const noexcept { return pid_; }
  // Stops the server and writes everything it printed to `path` (nothing when empty).
  void stop(const std::string& log_path);

 private:
  std::unique_ptr<test::ServerUnderTest> server_;
  pid_t pid_ = -1;
};

}  // namespace plenum::load
