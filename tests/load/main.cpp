// plenum-load: flags -> (spawned server) -> LoadRun -> JSON report. Nothing else.
#include "tests/load/load_options.hpp"
#include "tests/load/load_run.hpp"
#include "tests/load/proc_stats.hpp"
#include "tests/load/spawned_server.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

int main(int argc, char** argv) {
  using namespace plenum::load;
  std::optional<LoadOptions> options;
  try {
    options = parse_load_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "plenum-load: " << e.what() << "\n";
    return 2;
  }
  if (!options) {
    return 0;
  }
  try {
    // Before spawning: the server inherits the limit and needs a descriptor per client too.
    raise_open_file_limit();
    std::unique_ptr<SpawnedServer> spawned;
    ServerTarget target{options->host + ":" + std::to_string(options->port), options->host,
                        options->port, options->server_pid};
    if (!options->spawn.empty()) {
      spawned = std::make_unique<SpawnedServer>(*options);
      target = ServerTarget{spawned->name(), "127.0.0.1", spawned->port(), spawned->pid()};
      if (spawned->pid() <= 0) {
        target.pid.reset();
      }
    }
    LoadReport report = LoadRun(*options, target).run();
    if (spawned) {
      spawned->stop(options->server_log);
    }
    const std::string json = to_json(report);
    if (options->json_file.empty()) {
      std::cout << json;
    } else {
      std::ofstream(options->json_file, std::ios::trunc) << json;
    }
    return report.connected > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "plenum-load: " << e.what() << "\n";
    return 1;
  }
}
