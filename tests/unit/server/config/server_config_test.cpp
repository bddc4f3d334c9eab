#include "server/config/server_config.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "server/config/config_keys.hpp"
#include "server/config/ini_file.hpp"
#include "server/config/load_config.hpp"

using namespace plenum::server::config;

TEST_SUITE("config") {
  TEST_CASE("the embedded plenum.ini holds exactly the typed defaults, key by key") {
    const ServerConfig defaults;
    const ServerConfig embedded = parse_ini_text(embedded_default_ini(), "built-in plenum.ini");
    for (const ConfigKey& key : config_keys()) {
      INFO("key: ", key.name);
      CHECK(key.format(embedded) == key.format(defaults));
    }
    CHECK(embedded == defaults);
  }

  TEST_CASE("every config key is written in the embedded plenum.ini, and nothing else is") {
    std::istringstream in{std::string{embedded_default_ini()}};
    std::multiset<std::string> in_file;
    for (const IniEntry& entry : read_ini(in, "built-in plenum.ini")) in_file.insert(entry.key);
    std::multiset<std::string> known;
    for (const ConfigKey& key : config_keys()) known.insert(std::string{key.name});
    CHECK(in_file == known);
  }

  TEST_CASE("the binary embeds the current config/plenum.ini") {
    std::ifstream in{std::string{PLENUM_SOURCE_DIR} + "/config/plenum.ini", std::ios::binary};
    REQUIRE(in);
    const std::string source{std::istreambuf_iterator<char>{in}, {}};
    CHECK(source == embedded_default_ini());
  }

  TEST_CASE("the defaults are Murmur's where Plenum keeps Murmur's meaning") {
    const ServerConfig config;
    CHECK(config.network.port == 64738);
    CHECK(config.network.host.empty());
    CHECK(config.network.timeout == std::chrono::seconds{30});
    CHECK(config.limits.users == 1000);  // a plenary's size, not Murmur's 100
    CHECK(config.voice.bandwidth_bps == 72000);
    CHECK(config.voice.threads == 0);
    CHECK(config.text.text_message_length == 5000);
    CHECK(config.text.image_message_length == 131072);
    CHECK(config.limits.message_limit == 1);
    CHECK(config.limits.message_burst == 5);
    CHECK(config.autoban.attempts == 10);
    CHECK(config.autoban.timeframe == std::chrono::seconds{120});
    CHECK(config.autoban.ban_time == std::chrono::seconds{300});
    CHECK(config.channels.nesting_limit == 10);
    CHECK(config.channels.count_limit == 1000);
    CHECK_FALSE(config.privacy.log_ip);
    CHECK_FALSE(config.privacy.log_names);
    CHECK(config.plenary.mode == ListenerMode::All);
    CHECK(config.plenary.topk == 4);
    CHECK(config.plenary.mix_bitrate_bps == 16000);
  }

  TEST_CASE("the database lives in data_dir unless configured") {
    StorageConfig storage;
    storage.data_dir = "/var/lib/plenum";
    CHECK(storage.database_path() == "/var/lib/plenum/plenum.sqlite");
    storage.database = "/srv/other.sqlite";
    CHECK(storage.database_path() == "/srv/other.sqlite");
  }

  TEST_CASE(
      "TLS files: generated in data_dir, or configured, with the key defaulting to the cert") {
    ServerConfig config;
    config.storage.data_dir = "/d";
    TlsFiles files = config.tls_files();
    CHECK(files.generated);
    CHECK(files.cert == "/d/plenum-cert.pem");
    CHECK(files.key == "/d/plenum-key.pem");

    config.tls.cert_file = "/etc/both.pem";
    files = config.tls_files();
    CHECK_FALSE(files.generated);
    CHECK(files.cert == "/etc/both.pem");
    CHECK(files.key == "/etc/both.pem");

    config.tls.key_file = "/etc/key.pem";
    CHECK(config.tls_files().key == "/etc/key.pem");
  }

  TEST_CASE("listener modes and log levels parse their printed names") {
    for (const ListenerMode mode : {ListenerMode::All, ListenerMode::TopK, ListenerMode::Mix}) {
      CHECK(parse_listener_mode(to_string(mode)) == mode);
    }
    CHECK_FALSE(parse_listener_mode("TOPK").has_value());
    CHECK(parse_log_level("warn") == plenum::server::log::Level::Warn);
    CHECK_FALSE(parse_log_level("verbose").has_value());
  }

  TEST_CASE("voice_threads = 0 means one voice thread on up to 2 cores, else cores - 1 up to 4") {
    CHECK(voice_threads_for(0, 0) == 1);
    CHECK(voice_threads_for(0, 2) == 1);
    CHECK(voice_threads_for(0, 3) == 2);
    CHECK(voice_threads_for(0, 5) == 4);
    CHECK(voice_threads_for(0, 64) == 4);
    CHECK(voice_threads_for(3, 2) == 3);  // the operator's number stands
  }

}  // TEST_SUITE
