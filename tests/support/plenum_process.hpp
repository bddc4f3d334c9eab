// PlenumProcess: our `plenum-server` binary started on 127.0.0.1 with a temp data dir and
// ini, stoppable and restartable on the same data. Owned by the test thread.
#pragma once

#include "tests/support/process.hpp"
#include "tests/support/server_under_test.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace plenum::test {

struct PlenumOptions {
  ServerSettings settings;
  // Default: default_plenum_server_binary().
  std::filesystem::path binary;
  // true: `--port 0` and the port is read back from the listening line (it changes on each
  // restart). false: a free port picked here, kept across restarts.
  bool ephemeral_port = false;
  std::string log_level;  // `--log-level`, omitted when empty
  std::vector<std::string> extra_args;
  Clock::duration startup_timeout = std::chrono::seconds(10);
  Clock::duration stop_timeout = std::chrono::seconds(5);
};

// The PLENUM_SERVER_BINARY environment variable when set (to run a test against another
// build), else the plenum-server CMake built (compile definition), else empty.
std::filesystem::path default_plenum_server_binary();

class PlenumProcess final : public ServerUnderTest {
 public:
  // Creates the temp dir (ini at <dir>/plenum.ini, data in <dir>/data) and writes the ini.
  explicit PlenumProcess(PlenumOptions options = {});
  ~PlenumProcess() override;

  // Runs `plenum-server --config INI --data-dir DIR --host 127.0.0.1 --port N [...]` and
  // waits for `plenum-server listening on <addr>:<port> (tcp+udp)` (DESIGN.md §6), taking
  // the port from it. Throws with the server's output on exit or timeout; when it exits
  // before listening on a port chosen here, retries once on a new port.
  void start() override;
  // SIGTERM, then waits up to stop_timeout (SIGKILL after). The status stays readable.
  void stop() override;
  // stop() then start() on the same data dir.
  void restart();

  std::string name() const override { return "plenum"; }
  std::uint16_t port() const override { return port_; }
  const ServerSettings& settings() const override { return options_.settings; }
  std::optional<std::uint32_t> version_v1() const override { return std::nullopt; }
  std::string log() const override;

  // Runs the binary once with `--set-superuser-password PW` on this data dir. Accepts both
  // a binary that sets it and exits 0, and one that goes on serving (it is then stopped).
  void set_superuser_password(const std::string& password) override;

  const std::filesystem::path& data_dir() const noexcept { return data_dir_; }
  const std::filesystem::path& config_file() const noexcept { return config_file_; }
  // The running server (for wait_for_line on its log), or null.
  ChildProcess* process() noexcept { return process_.get(); }
  // How the last stopped run ended (clean shutdown on SIGTERM is exit code 0).
  const std::optional<ExitStatus>& last_exit() const noexcept { return last_exit_; }

 private:
  void write_config() const;
  std::vector<std::string> base_args() const;
  std::unique_ptr<ChildProcess> run(std::vector<std::string> args) const;
  bool try_start();

  PlenumOptions options_;
  TempDir dir_;
  std::filesystem::path config_file_;
  std::filesystem::path data_dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  std::optional<ExitStatus> last_exit_;
  std::string previous_logs_;
};

}  // namespace plenum::test
