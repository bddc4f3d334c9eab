#include "server/config/reload_plan.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/config/load_config.hpp"

using namespace plenum::server::config;

TEST_SUITE("config") {
  TEST_CASE("a reload takes over changed run-time keys and keeps startup keys as they run") {
    ServerConfig running;
    running.network.port = 5000;
    ServerConfig reread = running;
    reread.text.welcome_text = "Plenary at 10:00";
    reread.limits.users = 300;
    reread.plenary.topk = 6;
    reread.log_level = plenum::server::log::Level::Debug;
    reread.network.port = 6000;
    reread.storage.data_dir = "/elsewhere";

    const ReloadPlan plan = plan_reload(running, reread);
    CHECK(plan.next.text.welcome_text == "Plenary at 10:00");
    CHECK(plan.next.limits.users == 300);
    CHECK(plan.next.plenary.topk == 6);
    CHECK(plan.next.log_level == plenum::server::log::Level::Debug);
    CHECK(plan.next.network.port == 5000);
    CHECK(plan.next.storage.data_dir == running.storage.data_dir);
    CHECK(plan.applied ==
          std::vector<std::string>{"users", "welcometext", "log_level", "plenary.topk"});
    CHECK(plan.need_restart == std::vector<std::string>{"port", "data_dir"});
  }

  TEST_CASE("an unchanged file changes nothing") {
    const ServerConfig running = parse_ini_text("welcometext = \"hi\"\n", "test");
    const ReloadPlan plan = plan_reload(running, running);
    CHECK(plan.applied.empty());
    CHECK(plan.need_restart.empty());
    CHECK(plan.next == running);
  }

  TEST_CASE("the keys bound at startup are exactly the socket, thread, file, privacy and autoban keys") {
    for (const char* key : {"host", "port", "voice_threads", "data_dir", "database", "sslCert",
                            "sslKey", "registerName", "log_ip", "log_names", "autobanAttempts",
                            "autobanTimeframe", "autobanTime", "metrics_address", "web",
                            "web_origins"}) {
      INFO(key);
      CHECK_FALSE(reloadable(key));
    }
    for (const char* key : {"welcometext", "serverpassword", "users", "messagelimit", "bandwidth",
                            "log_level", "plenary.mode", "query_replies_per_second"}) {
      INFO(key);
      CHECK(reloadable(key));
    }
    CHECK_FALSE(reloadable("no_such_key"));
  }
}
