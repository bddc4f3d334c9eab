// Durable confirmations (issue 12, defect 7): kill -9 at a random moment during a burst of
// channel creations and registrations, five times on the same data dir. Every channel and every
// registration whose confirmation the client received must be in the database afterwards, and
// the file must pass PRAGMA integrity_check. (Before, the store wrote after the broadcast: a
// crash lost up to 273 confirmed channels and 8 confirmed registrations.)
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <csignal>
#include <random>
#include <set>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;

constexpr int kRounds = 5;
constexpr int kChannelsPerRound = 150;
constexpr int kRegistrationsPerRound = 1;  // each needs its own certificate (slow to make)

struct Confirmed {
  std::set<std::string> channels;
  std::set<std::string> accounts;
};

// Names in one column of the database, after SQLite recovered the WAL the killed server left.
struct DatabaseContents {
  std::string integrity;
  std::set<std::string> channels;
  std::set<std::string> accounts;
};

std::set<std::string> column(sqlite3* db, const char* sql) {
  std::set<std::string> out;
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK);
  while (sqlite3_step(statement) == SQLITE_ROW)
    out.emplace(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  sqlite3_finalize(statement);
  return out;
}

DatabaseContents read_database(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  DatabaseContents contents;
  const auto integrity = column(db, "PRAGMA integrity_check");
  contents.integrity = integrity.size() == 1 ? *integrity.begin() : "several lines";
  contents.channels = column(db, "SELECT name FROM channels");
  contents.accounts = column(db, "SELECT name FROM users");
  sqlite3_close(db);
  return contents;
}

PlenumOptions burst_options() {
  PlenumOptions options = integration_options();
  // One client sends every creation at once: Murmur's rate limit would drop most of them.
  options.settings.extra_ini.emplace_back("messagelimit", "1000");
  options.settings.extra_ini.emplace_back("messageburst", "1000");
  return options;
}

// One round: registrants connected, then every creation and registration sent at once; the
// server is killed once `kill_after` channel confirmations have arrived. Everything the clients
// received (before the kill and what was still in their sockets) counts as confirmed.
void burst_and_kill(PlenumProcess& server, int round, int kill_after, Confirmed& confirmed) {
  auto admin = log_in_superuser(server);
  std::vector<LoggedIn> registrants;
  std::vector<std::string> names;
  for (int k = 0; k < kRegistrationsPerRound; ++k) {
    names.push_back("reg-" + std::to_string(round) + "-" + std::to_string(k));
    registrants.push_back(log_in(server, names.back(), {}, test_identity(100 + round * kRegistrationsPerRound + k)));
    REQUIRE(registrants.back().handshake.synced());
  }
  for (auto& registrant : registrants) {
    MumbleProto::UserState request;
    request.set_session(registrant.client->session());
    request.set_user_id(0);
    registrant.client->send(request, deadline_in(kStep));
  }
  for (int i = 0; i < kChannelsPerRound; ++i) {
    MumbleProto::ChannelState create;
    create.set_parent(0);
    create.set_name("burst-" + std::to_string(round) + "-" + std::to_string(i));
    admin.client->send(create, deadline_in(kStep));
  }
  const auto take = [&](MumbleTestClient& client, Deadline deadline) {
    auto message = client.receive(deadline);
    if (!message) return false;
    if (const auto* channel = std::get_if<MumbleProto::ChannelState>(&*message);
        channel && channel->has_channel_id() && channel->name().rfind("burst-", 0) == 0)
      confirmed.channels.insert(channel->name());
    return true;
  };
  const std::size_t earlier = confirmed.channels.size();
  const Deadline burst_by = deadline_in(20s);
  while (confirmed.channels.size() - earlier < static_cast<std::size_t>(kill_after) && take(*admin.client, burst_by)) {
  }
  REQUIRE(::kill(server.process()->pid(), SIGKILL) == 0);
  // What was already on the wire was confirmed too.
  while (take(*admin.client, deadline_in(kStep))) {
  }
  for (std::size_t k = 0; k < registrants.size(); ++k) {
    auto& client = *registrants[k].client;
    const std::uint32_t own = client.session();
    while (auto message = client.receive(deadline_in(kStep))) {
      if (const auto* state = std::get_if<MumbleProto::UserState>(&*message);
          state && state->session() == own && state->has_user_id() && state->user_id() != 0)
        confirmed.accounts.insert(names[k]);
    }
  }
  server.stop();  // reaps the killed process
}

TEST_CASE("kill -9 during a burst of changes loses nothing the client saw confirmed") {
  auto server = start_with_superuser(burst_options());
  std::random_device seed_source;
  const unsigned seed = seed_source();
  MESSAGE("kill points seeded with " << seed);
  std::mt19937 random{seed};
  std::uniform_int_distribution<int> kill_point{1, kChannelsPerRound - 1};
  Confirmed confirmed;
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) server->start();
    burst_and_kill(*server, round, kill_point(random), confirmed);
    const auto contents = read_database(server->data_dir() / "plenum.sqlite");
    CHECK(contents.integrity == "ok");
    std::size_t lost_channels = 0;
    for (const auto& name : confirmed.channels) {
      if (!contents.channels.contains(name)) ++lost_channels;
    }
    std::size_t lost_accounts = 0;
    for (const auto& name : confirmed.accounts) {
      if (!contents.accounts.contains(name)) ++lost_accounts;
    }
    MESSAGE("round " << round << ": " << confirmed.channels.size() << " channels and "
                     << confirmed.accounts.size() << " registrations confirmed so far; lost " << lost_channels
                     << " and " << lost_accounts);
    CHECK(lost_channels == 0);
    CHECK(lost_accounts == 0);
  }
}

}  // namespace
}  // namespace plenum::test
