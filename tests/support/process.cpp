// GCC 12 reports -Wmaybe-uninitialized inside <regex>'s std::function at -O1 with sanitizers
// (a false positive of its inliner); keep it out of this file's -Werror build.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "tests/support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace plenum::test {
namespace {

// How long wait() lets the reader catch up with a child that has exited.
constexpr auto kOutputDrainLimit = std::chrono::seconds(2);

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

int poll_timeout_ms(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 60'000));
}

ExitStatus status_from_wait(int raw) {
  ExitStatus status;
  if (WIFEXITED(raw)) {
    status.exit_code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  }
  return status;
}

// argv and envp built before fork(): the child of a threaded parent may only call
// async-signal-safe functions, so it must not allocate.
struct ExecImage {
  std::vector<std::string> strings;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecImage build_exec_image(const ProcessOptions& options) {
  ExecImage image;
  image.strings.push_back(options.program.string());
  image.strings.insert(image.strings.end(), options.args.begin(), options.args.end());
  const std::size_t argc = image.strings.size();
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view line(*entry);
    const bool overridden = std::any_of(options.env.begin(), options.env.end(), [&](auto& kv) {
      return line.starts_with(kv.first + "=");
    });
    if (!overridden) {
      image.strings.emplace_back(line);
    }
  }
  for (const auto& [key, value] : options.env) {
    image.strings.push_back(key + "=" + value);
  }
  for (std::size_t i = 0; i < image.strings.size(); ++i) {
    (i < argc ? image.argv : image.envp).push_back(image.strings[i].data());
  }
  image.argv.push_back(nullptr);
  image.envp.push_back(nullptr);
  return image;
}

struct ChildFds {
  int dev_null;
  int output;      // write end of the output pipe
  int exec_error;  // close-on-exec pipe that reports a failed chdir or execve
  int max_fd;
};

[[noreturn]] void report_and_exit(int error_fd) noexcept {
  const int error = errno;
  [[maybe_unused]] auto n = ::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

// Runs in the forked child: async-signal-safe calls only. dup2 clears O_CLOEXEC on the
// new descriptors 0-2.
[[noreturn]] void exec_child(const ExecImage& image, const std::string& dir,
                             const ChildFds& fds) noexcept {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::setpgid(0, 0);
  if (fds.dev_null >= 0) {
    ::dup2(fds.dev_null, STDIN_FILENO);
  }
  ::dup2(fds.output, STDOUT_FILENO);
  ::dup2(fds.output, STDERR_FILENO);
  // Asio opens sockets without O_CLOEXEC: a server started while a test client is
  // connected would keep that connection alive after the test closes it.
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < fds.max_fd; ++fd) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
  if (!dir.empty() && ::chdir(dir.c_str()) != 0) {
    report_and_exit(fds.exec_error);
  }
  ::execve(image.argv[0], image.argv.data(), image.envp.data());
  report_and_exit(fds.exec_error);
}

}  // namespace

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& base) {
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw_errno("mkdtemp " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (!keep_ && !path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
}

TempDir::TempDir(TempDir&& other) noexcept
    : path_(std::exchange(other.path_, {})), keep_(other.keep_) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    TempDir doomed(std::move(*this));
    path_ = std::exchange(other.path_, {});
    keep_ = other.keep_;
  }
  return *this;
}

void TempDir::chown_to(const std::string& user) const {
  const passwd* entry = ::getpwnam(user.c_str());
  if (entry == nullptr) {
    throw std::runtime_error("TempDir::chown_to: no such user " + user);
  }
  if (::chown(path_.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
    throw_errno("chown " + path_.string());
  }
  if (::chmod(path_.c_str(), 0755) != 0) {
    throw_errno("chmod " + path_.string());
  }
}

std::string ExitStatus::describe() const {
  if (exit_code) {
    return "exit code " + std::to_string(*exit_code);
  }
  if (signal) {
    return "killed by signal " + std::to_string(*signal) + " (" + ::strsignal(*signal) + ")";
  }
  return "unknown status";
}

ChildProcess::ChildProcess(ProcessOptions options) {
  output_file_ = options.output_file;
  if (output_file_.empty()) {
    own_dir_.emplace("plenum-child-");
    output_file_ = own_dir_->path() / "output.log";
  }
  spawn(options);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const int saved = errno;
    kill_group();
    throw std::system_error(saved, std::generic_category(), "eventfd");
  }
  reader_ = std::thread([this] { read_output(); });
}

void ChildProcess::spawn(const ProcessOptions& options) {
  ExecImage image = build_exec_image(options);
  const std::string dir = options.working_dir.string();
  std::array<int, 2> out{-1, -1};
  std::array<int, 2> exec_error{-1, -1};
  if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(exec_error.data(), O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int max_fd = static_cast<int>(std::min(::sysconf(_SC_OPEN_MAX), 65536L));
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw_errno("fork");
  }
  if (pid == 0) {
    exec_child(image, dir, {dev_null, out[1], exec_error[1], max_fd});
  }
  pid_ = pid;
  if (dev_null >= 0) {
    ::close(dev_null);
  }
  ::close(out[1]);
  ::close(exec_error[1]);
  output_fd_ = out[0];
  int child_errno = 0;
  ssize_t got = -1;
  do {
    got = ::read(exec_error[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  ::close(exec_error[0]);
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    reap_blocking();
    close_fd(output_fd_);
    throw std::system_error(child_errno, std::generic_category(),
                            "exec " + options.program.string());
  }
}

ChildProcess::~ChildProcess() {
  if (!status_ && pid_ > 0) {
    kill_group();
  }
  if (reader_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
    reader_.join();
  }
  close_fd(wake_fd_);
  close_fd(output_fd_);
  close_fd(pidfd_);
}

void ChildProcess::read_output() {
  const int file = ::open(output_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::array<char, 4096> chunk{};
  bool stopping = false;
  for (;;) {
    std::array<pollfd, 2> fds{pollfd{output_fd_, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
    // Once asked to stop, only drain what is already in the pipe.
    if (::poll(fds.data(), fds.size(), stopping ? 0 : -1) < 0 && errno != EINTR) {
      break;
    }
    stopping = stopping || (fds[1].revents & POLLIN) != 0;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
      if (stopping) {
        break;
      }
      continue;
    }
    const ssize_t n = ::read(output_fd_, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    const auto size = static_cast<std::size_t>(n);
    if (file >= 0) {
      [[maybe_unused]] auto written = ::write(file, chunk.data(), size);
    }
    const std::lock_guard lock(mutex_);
    output_.append(chunk.data(), size);
    output_changed_.notify_all();
  }
  if (file >= 0) {
    ::close(file);
  }
  const std::lock_guard lock(mutex_);
  output_closed_ = true;
  output_changed_.notify_all();
}

std::optional<LineMatch> ChildProcess::wait_for_line(const std::string& pattern,
                                                     Deadline deadline) {
  const std::regex regex(pattern);
  const auto try_line = [&](std::string line) -> std::optional<LineMatch> {
    std::smatch match;
    if (!std::regex_search(line, match, regex)) {
      return std::nullopt;
    }
    LineMatch result;
    for (const auto& group : match) {
      result.groups.push_back(group.str());
    }
    result.line = std::move(line);
    return result;
  };
  std::unique_lock lock(mutex_);
  std::size_t cursor = scan_from_;
  for (;;) {
    for (auto end = output_.find('\n', cursor); end != std::string::npos;
         end = output_.find('\n', cursor)) {
      auto found = try_line(output_.substr(cursor, end - cursor));
      cursor = end + 1;
      if (found) {
        scan_from_ = cursor;
        return found;
      }
    }
    if (output_closed_) {
      auto found = try_line(output_.substr(cursor));
      if (found) {
        scan_from_ = output_.size();
      }
      return found;
    }
    if (output_changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return std::nullopt;
    }
  }
}

std::string ChildProcess::output() const {
  const std::lock_guard lock(mutex_);
  return output_;
}

bool ChildProcess::try_reap() {
  if (status_) {
    return true;
  }
  int raw = 0;
  const pid_t got = ::waitpid(pid_, &raw, WNOHANG);
  if (got == pid_) {
    status_ = status_from_wait(raw);
    return true;
  }
  return false;
}

void ChildProcess::reap_blocking() {
  int raw = 0;
  pid_t got = -1;
  do {
    got = ::waitpid(pid_, &raw, 0);
  } while (got < 0 && errno == EINTR);
  status_ = got == pid_ ? status_from_wait(raw) : ExitStatus{};
}

bool ChildProcess::running() { return !try_reap(); }

std::optional<ExitStatus> ChildProcess::wait(Deadline deadline) {
  while (!try_reap()) {
    if (Clock::now() >= deadline) {
      return std::nullopt;
    }
    if (pidfd_ >= 0) {
      pollfd fd{pidfd_, POLLIN, 0};
      ::poll(&fd, 1, poll_timeout_ms(deadline));
    } else {
      // No pidfd (kernel < 5.3): a bounded short wait between reap attempts.
      pollfd none{-1, 0, 0};
      ::poll(&none, 1, std::min(poll_timeout_ms(deadline), 10));
    }
  }
  // The child is gone but the reader may not have drained the pipe yet: a caller reading
  // output() next must see all of it. Bounded, since a grandchild may hold the pipe open.
  std::unique_lock lock(mutex_);
  output_changed_.wait_until(lock, std::min(deadline, deadline_in(kOutputDrainLimit)),
                             [this] { return output_closed_; });
  return status_;
}

ExitStatus ChildProcess::terminate(Clock::duration grace) {
  if (try_reap()) {
    return *status_;
  }
  ::kill(pid_, SIGTERM);
  if (auto status = wait(deadline_in(grace))) {
    return *status;
  }
  kill_group();
  return *status_;
}

void ChildProcess::kill_group() {
  // The child leads its own process group (setpgid in spawn): this also ends the helpers it
  // started, which would otherwise hold its output pipe open.
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  reap_blocking();
}

}  // namespace plenum::test
