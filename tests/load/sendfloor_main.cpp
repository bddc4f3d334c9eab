// plenum-sendfloor: flags -> SendFloorProbe -> JSON. Nothing else.
#include "tests/load/proc_stats.hpp"
#include "tests/load/send_floor_options.hpp"
#include "tests/load/send_floor_probe.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>

int main(int argc, char** argv) {
  using namespace plenum::load;
  std::optional<SendFloorOptions> options;
  try {
    options = parse_send_floor_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "plenum-sendfloor: " << e.what() << "\n";
    return 2;
  }
  if (!options) {
    return 0;
  }
  try {
    raise_open_file_limit();  // a descriptor per receiver
    SendFloorProbe probe(*options);
    const std::string json = to_json(probe.run());
    if (options->json_file.empty()) {
      std::cout << json;
    } else {
      std::ofstream(options->json_file, std::ios::trunc) << json;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "plenum-sendfloor: " << e.what() << "\n";
    return 1;
  }
}
