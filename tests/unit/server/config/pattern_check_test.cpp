#include "server/config/pattern_check.hpp"

#include <doctest/doctest.h>

#include <string>

#include "server/config/server_config.hpp"

using namespace plenum::server::config;

TEST_SUITE("config") {
  TEST_CASE("name patterns: Murmur's defaults compile, broken or oversized ones are reported") {
    CHECK_FALSE(name_pattern_problem(kDefaultUsernamePattern).has_value());
    CHECK_FALSE(name_pattern_problem(kDefaultChannelNamePattern).has_value());
    CHECK_FALSE(name_pattern_problem(".+").has_value());
    CHECK(name_pattern_problem("").value() == "must not be empty");
    CHECK(name_pattern_problem("[a-").value().starts_with("is not a valid regular expression ("));
    CHECK(name_pattern_problem("((").value().starts_with("is not a valid regular expression ("));
    CHECK(name_pattern_problem(std::string(kMaxNamePatternLength + 1, 'a'))
              .value()
              .starts_with("is too long for a name pattern"));
    CHECK_FALSE(name_pattern_problem(std::string(kMaxNamePatternLength, 'a')).has_value());
    // libstdc++ overflows a long on such numbers (undefined behaviour): refused before compiling.
    CHECK(name_pattern_problem("a\\3333333333333333333333").value() ==
          "has a number longer than 9 digits");
    CHECK(name_pattern_problem("a{12345678901}").value() == "has a number longer than 9 digits");
    CHECK(name_pattern_problem("a{1,123456789}").value().starts_with("is not a valid regular"));
  }

}  // TEST_SUITE
