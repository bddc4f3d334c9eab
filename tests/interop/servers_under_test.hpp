// The servers every interop check runs against: Murmur (the oracle) always, plenum-server
// whenever the build has plenum-server (PLENUM_INTEROP_WITH_PLENUM). Each is a type for
// TEST_CASE_TEMPLATE.
#pragma once

#include "tests/support/murmur_process.hpp"
#include "tests/support/plenum_process.hpp"

#include <doctest/doctest.h>

#include <memory>

namespace plenum::test {

struct MurmurOracle {
  static std::unique_ptr<ServerUnderTest> make(const ServerSettings& settings) {
    MurmurOptions options;
    options.settings = settings;
    return std::make_unique<MurmurProcess>(std::move(options));
  }
};

struct PlenumSubject {
  static std::unique_ptr<ServerUnderTest> make(const ServerSettings& settings) {
    PlenumOptions options;
    options.settings = settings;
    // As in the integration tests: a loaded CI machine must not turn into lost packets.
    options.settings.extra_ini.emplace_back("voice_max_queue_ms", "2000");
    return std::make_unique<PlenumProcess>(std::move(options));
  }
};

}  // namespace plenum::test

TYPE_TO_STRING_AS("murmur", plenum::test::MurmurOracle);
TYPE_TO_STRING_AS("plenum", plenum::test::PlenumSubject);

#ifdef PLENUM_INTEROP_WITH_PLENUM
#define PLENUM_SERVERS_UNDER_TEST plenum::test::MurmurOracle, plenum::test::PlenumSubject
#else
#define PLENUM_SERVERS_UNDER_TEST plenum::test::MurmurOracle
#endif
