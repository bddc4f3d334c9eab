#include "tests/support/murmur_process.hpp"

#include "tests/support/free_port.hpp"
#include "tests/support/query_ping.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace plenum::test {
namespace {

constexpr const char* kMurmurUser = "mumble-server";

// Started as root, murmurd switches to `mumble-server`: its dir must belong to that user and
// every parent must be searchable, hence /tmp rather than $TMPDIR.
TempDir make_murmur_dir() {
  TempDir dir("plenum-murmur-", "/tmp");
  if (::geteuid() == 0 && ::getpwnam(kMurmurUser) != nullptr) {
    dir.chown_to(kMurmurUser);
  }
  return dir;
}

// QSettings reads `key="value"`; a quote or newline inside would end the value early.
std::string quoted(const std::string& key, const std::string& value) {
  if (value.find_first_of("\"\n\\") != std::string::npos) {
    throw std::invalid_argument("MurmurProcess: unsupported character in " + key);
  }
  return key + "=\"" + value + "\"\n";
}

}  // namespace

MurmurProcess::MurmurProcess(MurmurOptions options)
    : options_(std::move(options)),
      dir_(make_murmur_dir()),
      ini_file_(dir_.path() / "murmur.ini"),
      port_(find_free_port()) {
  write_ini();
}

MurmurProcess::~MurmurProcess() { stop(); }

void MurmurProcess::write_ini() const {
  const ServerSettings& settings = options_.settings;
  std::ofstream ini(ini_file_, std::ios::trunc);
  ini << "port=" << port_ << "\n"
      << "host=127.0.0.1\n"
      << "database=" << (dir_.path() / "murmur.sqlite").string() << "\n"
      << "logfile=" << (dir_.path() / "murmur.log").string() << "\n"
      << "users=" << settings.max_users << "\n"
      << "bandwidth=" << settings.bandwidth_bps << "\n"
      // Tests connect many clients from 127.0.0.1; murmur's autoban would block them.
      << "autobanAttempts=0\n"
      // Skips the ~1 s PBKDF2 benchmark murmurd runs on every fresh database.
      << "kdfiterations=1000\n"
      << quoted("welcometext", settings.welcome_text) << quoted("registerName", settings.register_name);
  if (!options_.ssl_cert.empty()) {
    ini << "sslCert=" << options_.ssl_cert.string() << "\n"
        << "sslKey=" << options_.ssl_key.string() << "\n";
  }
  for (const auto& [key, value] : settings.extra_ini) {
    ini << key << "=" << value << "\n";
  }
  if (!ini.flush()) {
    throw std::runtime_error("MurmurProcess: cannot write " + ini_file_.string());
  }
}

std::unique_ptr<ChildProcess> MurmurProcess::run(std::vector<std::string> args) const {
  ProcessOptions process;
  process.program = options_.binary;
  process.args = std::move(args);
  process.working_dir = dir_.path();
  return std::make_unique<ChildProcess>(std::move(process));
}

void MurmurProcess::set_superuser_password(const std::string& password) {
  auto child = run({"-ini", ini_file_.string(), "-supw", password});
  const auto status = child->wait(deadline_in(options_.startup_timeout));
  previous_logs_ += child->output();
  if (!status || !status->clean()) {
    throw std::runtime_error("murmurd -supw failed (" +
                             (status ? status->describe() : std::string("timeout")) +
                             "):\n" + child->output());
  }
}

bool MurmurProcess::try_start() {
  const Deadline deadline = deadline_in(options_.startup_timeout);
  process_ = run({"-fg", "-ini", ini_file_.string()});
  // 1.3.4 prints "1 => Server listening on 127.0.0.1:<port>", or "Server: TCP Listen on
  // <addr> failed: ..." / "Failed to bind UDP Socket to <addr>" and keeps running unbound.
  const auto line =
      process_->wait_for_line("Server listening on |Listen on .* failed|Failed to bind", deadline);
  if (!line) {
    throw std::runtime_error("murmurd did not start within the deadline:\n" + log());
  }
  if (line->line.find("Server listening on") == std::string::npos) {
    return false;
  }
  // The UDP socket is bound after that line and the event loop starts later still: a query
  // ping answered by this server proves both.
  const std::array<std::uint8_t, 8> ident{'r', 'e', 'a', 'd', 'y', '?', 0, 1};
  const auto reply = query_ping("127.0.0.1", port_, ident, deadline);
  return reply && reply->version_v1 == *version_v1();
}

void MurmurProcess::start() {
  if (process_) {
    return;
  }
  if (try_start()) {
    return;
  }
  // Another process took the port between find_free_port() and murmurd's bind.
  stop();
  port_ = find_free_port();
  write_ini();
  if (!try_start()) {
    const std::string output = log();
    stop();
    throw std::runtime_error("murmurd could not listen on a free port:\n" + output);
  }
}

void MurmurProcess::stop() {
  if (!process_) {
    return;
  }
  process_->terminate(std::chrono::seconds(5));
  previous_logs_ += process_->output();
  process_.reset();
}

std::string MurmurProcess::log() const {
  return process_ ? previous_logs_ + process_->output() : previous_logs_;
}

}  // namespace plenum::test
