#include "tests/support/plenum_process.hpp"

#include "tests/support/free_port.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace plenum::test {
namespace {

// DESIGN.md §6: printed once the TCP and UDP sockets are bound.
constexpr const char* kListeningLine = R"(plenum-server listening on (.+):(\d+) \(tcp\+udp\))";

}  // namespace

std::filesystem::path default_plenum_server_binary() {
  // The environment first, so a regression test can be run against an older build.
  if (const char* from_env = std::getenv("PLENUM_SERVER_BINARY"); from_env != nullptr && *from_env != '\0')
    return from_env;
#ifdef PLENUM_SERVER_BINARY
  return PLENUM_SERVER_BINARY;
#else
  return {};
#endif
}

PlenumProcess::PlenumProcess(PlenumOptions options)
    : options_(std::move(options)),
      dir_("plenum-server-"),
      config_file_(dir_.path() / "plenum.ini"),
      data_dir_(dir_.path() / "data") {
  if (options_.binary.empty()) {
    options_.binary = default_plenum_server_binary();
  }
  std::filesystem::create_directory(data_dir_);
  if (!options_.ephemeral_port) {
    port_ = find_free_port();
  }
  write_config();
}

PlenumProcess::~PlenumProcess() { stop(); }

void PlenumProcess::write_config() const {
  // Murmur's key names (DESIGN.md §3); host and port go on the command line.
  const ServerSettings& settings = options_.settings;
  std::ofstream ini(config_file_, std::ios::trunc);
  ini << "welcometext=" << settings.welcome_text << "\n"
      << "registerName=" << settings.register_name << "\n"
      << "bandwidth=" << settings.bandwidth_bps << "\n"
      << "users=" << settings.max_users << "\n";
  for (const auto& [key, value] : settings.extra_ini) {
    ini << key << "=" << value << "\n";
  }
  if (!ini.flush()) {
    throw std::runtime_error("PlenumProcess: cannot write " + config_file_.string());
  }
}

std::vector<std::string> PlenumProcess::base_args() const {
  std::vector<std::string> args{"--config", config_file_.string(), "--data-dir",
                                data_dir_.string(), "--host", "127.0.0.1"};
  if (!options_.log_level.empty()) {
    args.insert(args.end(), {"--log-level", options_.log_level});
  }
  return args;
}

std::unique_ptr<ChildProcess> PlenumProcess::run(std::vector<std::string> args) const {
  if (options_.binary.empty()) {
    throw std::runtime_error(
        "PlenumProcess: no plenum-server binary (build the plenum-server target, or set "
        "PLENUM_SERVER_BINARY)");
  }
  ProcessOptions process;
  process.program = options_.binary;
  process.args = std::move(args);
  process.working_dir = dir_.path();
  return std::make_unique<ChildProcess>(std::move(process));
}

bool PlenumProcess::try_start() {
  std::vector<std::string> args = base_args();
  args.insert(args.end(), {"--port", std::to_string(options_.ephemeral_port ? 0 : port_)});
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  process_ = run(std::move(args));
  const auto line = process_->wait_for_line(kListeningLine, deadline_in(options_.startup_timeout));
  if (!line) {
    return false;
  }
  port_ = static_cast<std::uint16_t>(std::stoul(line->groups.at(2)));
  return true;
}

void PlenumProcess::start() {
  if (process_) {
    return;
  }
  if (try_start()) {
    return;
  }
  const bool exited = !process_->running();
  if (exited && !options_.ephemeral_port) {
    // Most likely the free port was taken before the server bound it.
    stop();
    port_ = find_free_port();
    if (try_start()) {
      return;
    }
  }
  const std::string output = log();
  stop();
  throw std::runtime_error(std::string("plenum-server did not start (") +
                           (exited ? "it exited" : "no listening line before the deadline") +
                           "):\n" + output);
}

void PlenumProcess::stop() {
  if (!process_) {
    return;
  }
  last_exit_ = process_->terminate(options_.stop_timeout);
  previous_logs_ += process_->output();
  process_.reset();
}

void PlenumProcess::restart() {
  stop();
  start();
}

void PlenumProcess::set_superuser_password(const std::string& password) {
  std::vector<std::string> args = base_args();
  args.insert(args.end(), {"--port", std::to_string(port_), "--set-superuser-password", password});
  auto child = run(std::move(args));
  const Deadline deadline = deadline_in(options_.startup_timeout);
  const bool serving = child->wait_for_line(kListeningLine, deadline).has_value();
  const auto status = serving ? std::optional(child->terminate(options_.stop_timeout))
                              : child->wait(deadline);
  previous_logs_ += child->output();
  if (!status || (!serving && !status->clean())) {
    throw std::runtime_error("plenum-server --set-superuser-password failed:\n" + child->output());
  }
}

std::string PlenumProcess::log() const {
  return process_ ? previous_logs_ + process_->output() : previous_logs_;
}

}  // namespace plenum::test
