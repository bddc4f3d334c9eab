#include "server/config/load_config.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "server/config/config_keys.hpp"
#include "unit/server/store/temp_dir.hpp"

using namespace plenum::server::config;
using plenum::test::TempDir;

namespace {

Startup run(std::initializer_list<const char*> flags) {
  std::vector<const char*> argv{"plenum-server"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return load_config(static_cast<int>(argv.size()), argv.data());
}

// The message of the ConfigError that `action` throws; fails the test when it throws none.
template <class Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  FAIL("no ConfigError thrown");
  return {};
}

std::string ini_error(const std::string& text) {
  return error_of([&] { parse_ini_text(text, "/etc/plenum.ini"); });
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("layers: the file overrides the defaults and a flag overrides the file") {
    TempDir dir;
    const auto file = dir.write("plenum.ini", "port = 4000\nusers = 250\nhost = 127.0.0.1\n");
    const Startup from_file = run({"--config", file.c_str()});
    CHECK(from_file.config.network.port == 4000);
    CHECK(from_file.config.limits.users == 250);
    CHECK(from_file.config.voice.bandwidth_bps == 72000);  // untouched: the default

    const Startup with_flags = run({"--config", file.c_str(), "--port", "5000", "--host", "::1",
                                    "--data-dir", "/tmp/x", "--log-level", "debug"});
    CHECK(with_flags.config.network.port == 5000);
    CHECK(with_flags.config.network.host == "::1");
    CHECK(with_flags.config.storage.data_dir == "/tmp/x");
    CHECK(with_flags.config.log_level == plenum::server::log::Level::Debug);
    CHECK(with_flags.config.limits.users == 250);
  }

  TEST_CASE("without --config the built-in plenum.ini applies, --help skips loading") {
    CHECK(run({}).config == ServerConfig{});
    CHECK_FALSE(run({}).help);
    const Startup help = run({"--help", "--port", "nonsense"});
    CHECK(help.help);
    for (const char* flag : {"--config", "--port", "--host", "--data-dir",
                             "--set-superuser-password", "--log-level", "--help"}) {
      CHECK(help_text().find(flag) != std::string::npos);
    }
  }

  TEST_CASE("--set-superuser-password is passed on and must not be empty") {
    CHECK(run({"--set-superuser-password", "s3cret"}).superuser_password == "s3cret");
    CHECK_FALSE(run({}).superuser_password.has_value());
    CHECK(error_of([] {
            run({"--set-superuser-password", ""});
          }) == "config: --set-superuser-password needs a non-empty password");
  }

  TEST_CASE("quotes around a value are stripped, # and , inside a value are kept") {
    const ServerConfig config = parse_ini_text(
        "welcometext = \"Hello # world; <font color=\"#f00\">hi</font>\"  \n"
        "registerName =   Town Hall   \r\n"
        "serverpassword = \"\"\n"
        "# a comment\n; another\n\n"
        "[plenary]\nmode = \"mix\"\n",
        "test");
    CHECK(config.text.welcome_text == "Hello # world; <font color=\"#f00\">hi</font>");
    CHECK(config.channels.root_name == "Town Hall");
    CHECK(config.access.server_password.empty());
    CHECK(config.plenary.mode == ListenerMode::Mix);
  }

  TEST_CASE("a bad value gives one line naming the key and the value") {
    struct Case {
      const char* ini;
      const char* message;
    };
    const Case cases[] = {
        {"port = abc",
         R"(config: port = "abc" is not a number (0..65535) (/etc/plenum.ini line 1))"},
        {"port = 65536", R"(config: port = "65536" is out of range (0..65535))"},
        {"port = -1", R"(config: port = "-1" is not a number (0..65535))"},
        {"port = 99999999999999999999999",
         R"(config: port = "99999999999999999999999" is out of range)"},
        {"users = 0", R"(config: users = "0" is out of range (1..1000000))"},
        {"bandwidth = 100", R"(config: bandwidth = "100" is out of range (8000..10000000))"},
        {"voice_max_queue_ms = 5", R"(config: voice_max_queue_ms = "5" is out of range (20..60000))"},
        {"voice_threads = 9", R"(config: voice_threads = "9" is out of range (0..8))"},
        {"query_replies_per_second = 0",
         R"(config: query_replies_per_second = "0" is out of range (1..1000000))"},
        {"query_per_source_per_second = 10001",
         R"(config: query_per_source_per_second = "10001" is out of range (1..10000))"},
        {"query_per_source_burst = 0",
         R"(config: query_per_source_burst = "0" is out of range (1..100000))"},
        {"query_per_source_burst = -3",
         R"(config: query_per_source_burst = "-3" is not a number (1..100000))"},
        {"timeout = 1.5", R"(config: timeout = "1.5" is not a number)"},
        {"allowhtml = maybe", R"(config: allowhtml = "maybe" is not a boolean (true|false))"},
        {"log_level = loud", R"(config: log_level = "loud" is not one of debug|info|warn|error)"},
        {"username = \"[a-\"", R"(config: username = "[a-" is not a valid regular expression)"},
        {"channelname = \"\"", R"(config: channelname = "" must not be empty)"},
        {"registerName = \"\"", R"(config: registerName = "" must not be empty)"},
        {"data_dir =", R"(config: data_dir = "" must not be empty)"},
        {"host = \"a b\"", R"(config: host = "a b" is not an address or host name)"},
        {"[plenary]\nmode = loud",
         R"(config: plenary.mode = "loud" is not one of all|topk|mix (/etc/plenum.ini line 2))"},
        {"[plenary]\ntopk = 0", R"(config: plenary.topk = "0" is out of range (1..32))"},
        {"[plenary]\nmix_bitrate = 1000000",
         R"(config: plenary.mix_bitrate = "1000000" is out of range (6000..510000))"},
        {"welcometext = \"unclosed",
         R"(config: welcometext = "\"unclosed" has an opening quote but no closing one)"},
    };
    for (const Case& c : cases) {
      INFO("ini: ", c.ini);
      const std::string message = ini_error(c.ini);
      CHECK(message.starts_with(c.message));
      CHECK(message.find('\n') == std::string::npos);
    }
  }

  TEST_CASE("the value in a message is escaped so the message stays one line") {
    const std::string message = ini_error(std::string{"port = 12\x01\x1b[2J"});
    CHECK(message.starts_with(R"(config: port = "12\x01\x1b[2J" is not a number)"));
    const std::string long_value = ini_error("port = " + std::string(500, '9'));
    CHECK(long_value.size() < 200);
  }

  TEST_CASE("unknown keys, duplicates and malformed lines are errors") {
    CHECK(ini_error("prot = 64738") == R"(config: unknown key "prot" in /etc/plenum.ini line 1)");
    CHECK(ini_error("port = 1\nsslcert = x") ==
          R"(config: unknown key "sslcert" in /etc/plenum.ini line 2 (did you mean "sslCert"?))");
    CHECK(ini_error("[plenary]\nport = 1").starts_with(R"(config: unknown key "plenary.port")"));
    CHECK(ini_error("[ice]\nIce.Warn.UnknownProperties = 1")
              .starts_with(R"(config: unknown key "ice.Ice.Warn.UnknownProperties")"));
    CHECK(ini_error("port = 1\nusers = 3\nport = 2") ==
          R"(config: key "port" is set twice in /etc/plenum.ini (lines 1 and 3))");
    CHECK(ini_error("just words") ==
          R"(config: "just words" is not a key = value line (/etc/plenum.ini line 1))");
    CHECK(ini_error("= 5").starts_with(R"(config: "= 5" is not a key = value line)"));
    CHECK(ini_error("[plenary") ==
          R"(config: "[plenary" is not a [section] line (/etc/plenum.ini line 1))");
  }

  TEST_CASE("bad flags name the flag and the value") {
    CHECK(error_of([] {
            run({"--port", "abc"});
          }) == R"(config: port = "abc" is not a number (0..65535) (--port))");
    CHECK(error_of([] {
            run({"--log-level", "loud"});
          }) == R"(config: log_level = "loud" is not one of debug|info|warn|error (--log-level))");
    CHECK(error_of([] {
            run({"--prot", "1"});
          }) == R"(config: unknown option "--prot" on the command line (see --help))");
    CHECK(error_of([] { run({"--po", "1"}); }).starts_with("config: unknown option"));
    CHECK(error_of([] { run({"--port"}); }).starts_with("config: command line: "));
    CHECK(error_of([] { run({"stray"}); }).starts_with("config: command line: "));
    CHECK(
        error_of([] {
          run({"--config", "/nonexistent/plenum.ini"});
        }) ==
        R"(config: --config = "/nonexistent/plenum.ini" cannot be opened (No such file or directory))");
    TempDir dir;
    const std::string dir_name = dir.path().string();
    CHECK(error_of([&] { run({"--config", dir_name.c_str()}); }).ends_with("is a directory"));
  }

  TEST_CASE("validation covers rules that span keys and configs built in code") {
    ServerConfig config;
    config.tls.key_file = "/etc/key.pem";
    CHECK(error_of([&] {
            validate(config);
          }).starts_with(R"(config: sslKey = "/etc/key.pem" is set but sslCert is empty)"));
    config = ServerConfig{};
    config.network.port = 0;  // any free port
    CHECK_NOTHROW(validate(config));
    config = ServerConfig{};
    config.access.username_pattern = "(";
    CHECK(error_of([&] {
            validate(config);
          }).starts_with(R"(config: username = "(" is not a valid)"));
    CHECK_NOTHROW(validate(ServerConfig{}));
  }

  TEST_CASE("format_ini writes a config that reads back equal") {
    ServerConfig config;
    config.network.host = "::";
    config.network.port = 1234;
    config.text.welcome_text = "\"quoted\" # and ; kept ";
    config.access.server_password = "";
    config.storage.data_dir = "/var/lib/plenum data";
    config.plenary.mode = ListenerMode::TopK;
    config.plenary.topk = 7;
    config.privacy.log_ip = true;
    config.network.timeout = std::chrono::seconds{90};
    config.network.query_per_source_burst = 3;
    const std::string ini = format_ini(config);
    CHECK(parse_ini_text(ini, "formatted") == config);
    CHECK(ini.find("[plenary]\nmode = topk\n") != std::string::npos);
  }

  TEST_CASE("the server-query ping limits are read from the ini") {
    const ServerConfig config = parse_ini_text(
        "query_replies_per_second = 250\nquery_per_source_per_second = 2\n"
        "query_per_source_burst = 3\n",
        "test");
    CHECK(config.network.query_replies_per_second == 250);
    CHECK(config.network.query_per_source_per_second == 2);
    CHECK(config.network.query_per_source_burst == 3);
    const ServerConfig defaults;
    CHECK(defaults.network.query_replies_per_second == 1000);
    CHECK(defaults.network.query_per_source_per_second == 5);
    CHECK(defaults.network.query_per_source_burst == 20);
  }

  TEST_CASE("Murmur's autoban keys are read from the ini, 0 attempts turns autoban off") {
    const ServerConfig config = parse_ini_text(
        "autobanAttempts = 0\nautobanTimeframe = 30\nautobanTime = 60\n", "test");
    CHECK(config.autoban.attempts == 0);
    CHECK(config.autoban.timeframe == std::chrono::seconds{30});
    CHECK(config.autoban.ban_time == std::chrono::seconds{60});
    CHECK(ini_error("autobanTimeframe = 0\n").find("autobanTimeframe") != std::string::npos);
  }

  TEST_CASE("booleans accept the usual spellings") {
    for (const char* yes : {"true", "TRUE", "1", "yes", "on"}) {
      CHECK(parse_ini_text(std::string{"log_ip = "} + yes, "t").privacy.log_ip);
    }
    for (const char* no : {"false", "False", "0", "no", "off"}) {
      CHECK_FALSE(parse_ini_text(std::string{"allowping = "} + no, "t").network.allow_ping);
    }
  }

}  // TEST_SUITE
