// Shared by plenum-load's and plenum-sendfloor's option parsers: Boost.Program_options errors
// become std::invalid_argument (main prints them in one line), --help prints the description.
#pragma once

#include <boost/program_options.hpp>

namespace plenum::load {

// Fills `vm` from argv; false when --help was asked for (the text is already printed).
bool parse_command_line(int argc, const char* const* argv,
                        const boost::program_options::options_description& desc,
                        boost::program_options::variables_map& vm);

}  // namespace plenum::load
