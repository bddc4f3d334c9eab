#include "server/state/name_rules.hpp"

#include "server/config/server_config.hpp"

#include <doctest/doctest.h>

#include <regex>

using namespace plenum::server::state;

TEST_SUITE("state") {

TEST_CASE("Murmur master's user name rule") {
  const NamePattern pattern{kDefaultUsernamePattern};
  CHECK(valid_user_name("alice", pattern));
  CHECK(valid_user_name("Dr. Who [guest]", pattern));
  CHECK(valid_user_name("bad name!", pattern));  // master's range 0x20..0x3D allows '!'
  CHECK_FALSE(valid_user_name("", pattern));
  CHECK_FALSE(valid_user_name(" alice", pattern));  // untrimmed
  CHECK_FALSE(valid_user_name("alice ", pattern));
  CHECK_FALSE(valid_user_name("al\xC3\xAF" "ce", pattern));  // \w is ASCII only, as in master
  CHECK_FALSE(valid_user_name("a~b", pattern));
  CHECK(valid_user_name("a#b", pattern));  // '#' lies in 0x20..0x3D
  CHECK_FALSE(valid_user_name("a^b", pattern));
  CHECK(valid_user_name(std::string(kMaxUserNameLength, 'x'), pattern));
  CHECK_FALSE(valid_user_name(std::string(kMaxUserNameLength + 1, 'x'), pattern));
}

TEST_CASE("1.3.4's user name rule refuses what master allows [observed 1.3.4]") {
  const NamePattern pattern{R"([-=\w\[\]\{\}\(\)\@\|\.]+)"};
  CHECK_FALSE(valid_user_name("bad name!", pattern));
  CHECK(valid_user_name("alice", pattern));
}

TEST_CASE("a wider pattern admits other letters, invalid UTF-8 never passes") {
  const NamePattern any{".+"};
  CHECK(valid_user_name("J\xC3\xBCrgen", any));
  CHECK_FALSE(valid_user_name("J\xFCrgen", any));
  CHECK_THROWS_AS(NamePattern{"[unclosed"}, std::regex_error);
}

TEST_CASE("Murmur master's channel name rule") {
  const NamePattern pattern{kDefaultChannelNamePattern};
  CHECK(valid_channel_name("Plenary #1 (main)", pattern));
  CHECK(valid_channel_name(" spaced ", pattern));
  CHECK_FALSE(valid_channel_name("", pattern));
  CHECK_FALSE(valid_channel_name("a~b", pattern));
  CHECK_FALSE(valid_channel_name("a^b", pattern));
  CHECK_FALSE(valid_channel_name(std::string(kMaxChannelNameLength + 1, 'x'), pattern));
}

TEST_CASE("names compare ignoring ASCII case") {
  CHECK(equal_ignoring_case("Alice", "aLICE"));
  CHECK_FALSE(equal_ignoring_case("Alice", "Alicia"));
  CHECK_FALSE(equal_ignoring_case("Alice", "Alice "));
}

}  // TEST_SUITE
