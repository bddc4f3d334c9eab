#include "tests/load/spawned_server.hpp"

#include "tests/support/murmur_process.hpp"
#include "tests/support/plenum_process.hpp"

#include <fstream>
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
    pid_ = process->process()->pid();
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
