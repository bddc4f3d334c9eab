// ChildProcess and TempDir: the process plumbing of the integration and interop harness.
// Owned by the test thread that creates them; ChildProcess runs one output-reader thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace plenum::test {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline Deadline deadline_in(Clock::duration timeout) { return Clock::now() + timeout; }

// A fresh directory (mkdtemp) removed recursively on destruction.
class TempDir {
 public:
  // Creates <base>/<prefix>XXXXXX. Throws std::system_error when mkdtemp fails.
  explicit TempDir(const std::string& prefix = "plenum-test-",
                   const std::filesystem::path& base = std::filesystem::temp_directory_path());
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  // Gives the directory to `user` (and its primary group) and makes it 0755, so a daemon
  // that drops privileges to that user can write inside. Throws when the user is unknown or
  // chown fails (chown needs root).
  void chown_to(const std::string& user) const;

  // Leaves the directory on disk after destruction (to inspect a failed run).
  void keep() noexcept { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

// A line of a child's output that matched, with the regex's groups ([0] = the whole match).
struct LineMatch {
  std::string line;
  std::vector<std::string> groups;
};

// How a child ended: exactly one of `exit_code` and `signal` is set.
struct ExitStatus {
  std::optional<int> exit_code;
  std::optional<int> signal;

  bool clean() const noexcept { return exit_code == 0; }
  std::string describe() const;
};

struct ProcessOptions {
  std::filesystem::path program;
  std::vector<std::string> args;  // without argv[0]
  // Added to (or replacing in) the parent's environment.
  std::vector<std::pair<std::string, std::string>> env;
  std::filesystem::path working_dir;  // empty: the parent's
  // Where stdout and stderr are copied; empty: a file in a TempDir the process owns.
  std::filesystem::path output_file;
};

// A child started with fork/exec in its own process group, whose stdout and stderr go,
// merged, through a pipe to a reader thread that appends them to output_file() and to
// memory. It inherits no descriptor but those three. The destructor kills (SIGKILL, whole
// group) and reaps a child that is still running, so no test leaves a process behind.
class ChildProcess {
 public:
  // Throws std::system_error when the pipe, fork or exec fails (exec errors are reported
  // from the child through a close-on-exec pipe, so a wrong path fails here, not later).
  explicit ChildProcess(ProcessOptions options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  const std::filesystem::path& output_file() const noexcept { return output_file_; }

  // The first output line after the previously returned one in which the ECMAScript regex
  // `pattern` matches (std::regex_search), without its newline. nullopt when the deadline
  // passes or the child closed its output first. Waits on a condition variable fed by the
  // reader thread. (A string, not a std::regex: GCC 12 warns falsely inside <regex> at -O1
  // with sanitizers, so regexes are compiled in process.cpp only.)
  std::optional<LineMatch> wait_for_line(const std::string& pattern, Deadline deadline);

  // Everything the child printed so far.
  std::string output() const;

  // True while the child has not been reaped.
  bool running();

  // Waits for the child to exit (pidfd + poll); nullopt when the deadline passes first.
  std::optional<ExitStatus> wait(Deadline deadline);

  // SIGTERM to the child, then SIGKILL to its process group if it has not exited after
  // `grace`. Returns how it ended.
  ExitStatus terminate(Clock::duration grace = std::chrono::seconds(5));

  // The status once the child has been reaped.
  const std::optional<ExitStatus>& exit_status() const noexcept { return status_; }

 private:
  void spawn(const ProcessOptions& options);
  void read_output();
  void reap_blocking();
  void kill_group();
  bool try_reap();

  // Allocated by this.
  std::optional<TempDir> own_dir_;
  std::filesystem::path output_file_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int output_fd_ = -1;  // read end of the child's stdout/stderr pipe
  int wake_fd_ = -1;    // eventfd that stops the reader thread
  std::optional<ExitStatus> status_;

  // Shared with the reader thread; mutex_ guards output_, output_closed_.
  mutable std::mutex mutex_;
  std::condition_variable output_changed_;
  std::string output_;
  bool output_closed_ = false;
  std::size_t scan_from_ = 0;  // offset after the last line wait_for_line returned
  std::thread reader_;
};

}  // namespace plenum::test
