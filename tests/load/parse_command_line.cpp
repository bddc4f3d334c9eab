#include "tests/load/parse_command_line.hpp"

#include <iostream>
#include <stdexcept>

namespace plenum::load {
namespace po = boost::program_options;

bool parse_command_line(int argc, const char* const* argv, const po::options_description& desc,
                        po::variables_map& vm) {
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  if (vm.count("help") != 0) {
    std::cout << desc << "\n";
    return false;
  }
  return true;
}

}  // namespace plenum::load
