// MurmurProcess: Debian's murmurd (1.3.4) started as the test oracle on a free loopback port,
// with its own temp dir, ini and SQLite database. Owned by the test thread.
#pragma once

#include "tests/support/process.hpp"
#include "tests/support/server_under_test.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace plenum::test {

struct MurmurOptions {
  ServerSettings settings;
  std::filesystem::path binary = "/usr/sbin/murmurd";
  // Optional PEM files; empty: murmur generates a self-signed certificate on first start.
  std::filesystem::path ssl_cert;
  std::filesystem::path ssl_key;
  Clock::duration startup_timeout = std::chrono::seconds(10);
};

class MurmurProcess final : public ServerUnderTest {
 public:
  // Creates the temp dir (owned by `mumble-server` when running as root, since murmurd
  // then drops to that user), picks a free port and writes the ini. Does not start murmurd.
  explicit MurmurProcess(MurmurOptions options = {});
  ~MurmurProcess() override;

  // Runs `murmurd -fg -ini FILE` and waits for "Server listening on 127.0.0.1:<port>".
  // On a bind failure (the free port was taken meanwhile) retries once on a new port.
  void start() override;
  void stop() override;

  std::string name() const override { return "murmur"; }
  std::uint16_t port() const override { return port_; }
  const ServerSettings& settings() const override { return options_.settings; }
  std::optional<std::uint32_t> version_v1() const override { return 0x00010304; }
  std::string log() const override;

  // `murmurd -ini FILE -supw PW`: sets SuperUser's password in the database. Call before
  // start(); throws if murmurd fails or does not finish within the startup timeout.
  void set_superuser_password(const std::string& password) override;

  const std::filesystem::path& data_dir() const noexcept { return dir_.path(); }
  const std::filesystem::path& ini_file() const noexcept { return ini_file_; }
  bool running() const noexcept { return process_ != nullptr; }
  // The running murmurd (its pid; wait_for_line on its log), or null. murmurd -fg runs in the
  // forked process itself, as PlenumProcess::process() is plenum-server.
  ChildProcess* process() noexcept { return process_.get(); }

 private:
  void write_ini() const;
  bool try_start();
  std::unique_ptr<ChildProcess> run(std::vector<std::string> args) const;

  MurmurOptions options_;
  TempDir dir_;
  std::filesystem::path ini_file_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  std::string previous_logs_;  // output of earlier runs (restarts, -supw)
};

}  // namespace plenum::test
