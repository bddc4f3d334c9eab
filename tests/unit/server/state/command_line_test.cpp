#include "server/state/command_line.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

namespace {

CommandLine parsed(std::string_view text) {
  const auto result = parse_command(text);
  REQUIRE_MESSAGE(result.line.has_value(), result.error);
  return *result.line;
}

std::string error_of(std::string_view text) {
  const auto result = parse_command(text);
  REQUIRE_FALSE(result.line.has_value());
  return result.error;
}

}  // namespace

TEST_SUITE("state.commands") {

TEST_CASE("a command is text starting with '/' and a letter, once markup is removed") {
  CHECK(command_text("/mode mix") == "/mode mix");
  CHECK(command_text("<p>/mode mix</p>") == "/mode mix");  // Mumble 1.5 wraps typed text
  CHECK(command_text("  /help") == "/help");
  CHECK(command_text("/poll &quot;Lunch?&quot; yes&nbsp;&nbsp;no") == "/poll \"Lunch?\" yes no");
  CHECK(command_text("<p style=\"margin:0\"><span>/hand</span> point &amp; more</p>") == "/hand point & more");
  CHECK_FALSE(command_text("hello /mode"));
  CHECK_FALSE(command_text("<b>hello</b>"));
  CHECK_FALSE(command_text("/ shrug"));
  CHECK_FALSE(command_text("//"));
  CHECK_FALSE(command_text("/"));
  CHECK_FALSE(command_text(""));
  CHECK_FALSE(command_text("/1"));
}

TEST_CASE("words, quoted strings and escapes become arguments, the name is lower-cased") {
  CHECK(parsed("/Mode MIX") == CommandLine{"mode", {"MIX"}});
  CHECK(parsed("/help") == CommandLine{"help", {}});
  CHECK(parsed("/poll \"Lunch at noon?\" yes no \"not sure\"") ==
        CommandLine{"poll", {"Lunch at noon?", "yes", "no", "not sure"}});
  CHECK(parsed("/poll \"say \\\"hi\\\" \\\\ bye\"") == CommandLine{"poll", {"say \"hi\" \\ bye"}});
  CHECK(parsed("/poll \"\" x") == CommandLine{"poll", {"", "x"}});
  CHECK(parsed("/give  a\tb  ") == CommandLine{"give", {"a", "b"}});
  CHECK(parsed("/give J\xC3\xBCrgen") == CommandLine{"give", {"J\xC3\xBCrgen"}});
  CHECK(parsed("/give a\xC2\xA0" "b") == CommandLine{"give", {"a", "b"}});  // U+00A0 separates
  CHECK(parsed("/x a\\b") == CommandLine{"x", {"a\\b"}});  // outside quotes a backslash is text
}

TEST_CASE("bad commands get one line saying what is wrong") {
  CHECK(error_of("/poll \"open").find("not closed") != std::string::npos);
  CHECK(error_of("/poll \"a\"b").find("space") != std::string::npos);
  CHECK(error_of("/mo!de").find("command name") != std::string::npos);
  CHECK(error_of("mode").find("'/'") != std::string::npos);
  CHECK(error_of("/").find("command name") != std::string::npos);
  CHECK(error_of("/x " + std::string(kMaxCommandBytes, 'a')).find("too long") != std::string::npos);
  std::string many = "/x";
  for (std::size_t i = 0; i <= kMaxCommandArgs; ++i) many += " a";
  CHECK(error_of(many).find("Too many") != std::string::npos);
  for (const auto* text : {"/poll \"open", "/mo!de", "/"}) CHECK(error_of(text).find('\n') == std::string::npos);
}

}  // TEST_SUITE
