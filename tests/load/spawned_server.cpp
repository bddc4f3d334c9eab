#include "tests/load/spawned_server.hpp"

#include "tests/support/murmur_process.hpp"
#include "tests/support/plenum_process.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace plenum::load {
namespace {

test::ServerSettings load_settings(const LoadOptions& options) {
  test::ServerSettings settings;
  settings.max_users = 5000;  // the connect-only scenario holds 2,000 clients
  settings.bandwidth_bps = 72000;
  for (const auto& line : options.server_ini) {
    const auto equals = line.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw std::invalid_argument("--server-ini must be key=value, got '" + line + "'");
    }
    settings.extra_ini.emplace_back(line.substr(0, equals), line.substr(equals + 1));
  }
  return settings;
}

}  // namespace

pid_t find_process_with_argument(const std::string& argument) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream cmdline(entry.path() / "cmdline", std::ios::binary);
    std::string arg;
    while (std::getline(cmdline, arg, '\0')) {
      if (arg == argument) {
        return static_cast<pid_t>(std::stol(name));
      }
    }
  }
  return -1;
}

SpawnedServer::SpawnedServer(const LoadOptions& options) {
  if (options.spawn == "plenum") {
    test::PlenumOptions plenum;
    plenum.settings = load_settings(options);
    plenum.ephemeral_port = true;
    if (!options.plenum_binary.empty()) {
      plenum.binary = options.plenum_binary;
    }
    auto process = std::make_unique<test::PlenumProcess>(std::move(plenum));
    process->start();
    pid_ = process->process()->pid();
    server_ = std::move(process);
  } else {
    test::MurmurOptions murmur;
    murmur.settings = load_settings(options);
    murmur.binary = options.murmur_binary;
    auto process = std::make_unique<test::MurmurProcess>(std::move(murmur));
    process->start();
    // murmurd -fg runs in the process the launcher forked; its ini path names it uniquely.
    pid_ = find_process_with_argument(process->ini_file().string());
    server_ = std::move(process);
  }
}

SpawnedServer::~SpawnedServer() { server_->stop(); }

void SpawnedServer::stop(const std::string& log_path) {
  server_->stop();
  if (!log_path.empty()) {
    std::ofstream(log_path, std::ios::trunc) << server_->log();
  }
}

}  // namespace plenum::load
