// plenum-server: flags -> ServerConfig -> Server -> run. Nothing else (STYLE.md §1).
#include "server/config/load_config.hpp"
#include "server/server.hpp"
#include "server/store/murmur_import.hpp"

#include <fmt/core.h>
#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  using namespace plenum::server;
  // libprotobuf logs bad client input (invalid UTF-8 in a string field) on its own, with the
  // content; undecodable messages are counted and logged by the control plane instead.
  google::protobuf::SetLogHandler(nullptr);
  config::Startup startup;
  try {
    startup = config::load_config(argc, argv);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  if (startup.help) {
    fmt::print("{}", config::help_text());
    return 0;
  }
  if (startup.import_murmur) {
    try {
      const auto target = startup.config.storage.database_path();
      const auto summary = store::import_murmur(*startup.import_murmur, startup.murmur_server_id, target);
      fmt::print("imported from {} (server {}) into {}: {}\n", startup.import_murmur->string(),
                 startup.murmur_server_id, target.string(), summary.describe());
      return 0;
    } catch (const std::exception& e) {
      fmt::print(stderr, "plenum-server: {}\n", e.what());
      return 2;
    }
  }
  try {
    Server server{std::move(startup.config), startup.superuser_password, std::move(startup.source)};
    const auto endpoint = server.endpoint();
    fmt::print("plenum-server listening on {}:{} (tcp+udp)\n", endpoint.address().to_string(), endpoint.port());
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    // Startup failures (database, certificate, port in use) are configuration problems.
    fmt::print(stderr, "plenum-server: {}\n", e.what());
    return 2;
  }
  return 0;
}
