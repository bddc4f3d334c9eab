// Privacy by default (DESIGN.md §5): even at debug level the log names no address, user name or
// certificate hash, and the database keeps nothing of an unregistered visitor. log_ip and
// log_names are the operator's explicit choice and do put addresses and names in the log.
#include "tests/integration/admin_steps.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace plenum::test {
namespace {

constexpr const char* kVisitor = "zebulon_quixote7";
constexpr const char* kText = "a remark only the chair should read";
constexpr const char* kAddress = "127.0.0.1";

struct SessionTrace {
  std::unique_ptr<PlenumProcess> server;  // stopped, its data dir still on disk
  std::string visitor_hash;               // the visitor's certificate hash, as the server saw it
};

// Login under a distinctive name with a certificate, a text message, a channel join, a
// disconnect; then the server is stopped so that the log is complete and the database closed.
SessionTrace run_scripted_session(bool log_ip, bool log_names) {
  PlenumOptions options = admin_options();
  options.log_level = "debug";
  if (log_ip) options.settings.extra_ini.emplace_back("log_ip", "true");
  if (log_names) options.settings.extra_ini.emplace_back("log_names", "true");
  SessionTrace trace{start_with_superuser(std::move(options)), {}};
  PlenumProcess& server = *trace.server;

  auto chair = log_in_superuser(server);
  const std::uint32_t hall = create_channel(*chair.client, 0, "Plenary Hall");
  auto visitor = log_in(server, kVisitor, {}, test_identity(5));
  REQUIRE_MESSAGE(visitor.handshake.synced(), visitor.handshake.describe());
  const std::uint32_t session = visitor.handshake.model.session();
  REQUIRE(visitor.handshake.model.user(session) != nullptr);
  trace.visitor_hash = visitor.handshake.model.user(session)->hash();
  REQUIRE(trace.visitor_hash.size() == 40);

  MumbleProto::TextMessage text;
  text.add_session(chair.handshake.model.session());
  text.set_message(kText);
  visitor.client->send(text, deadline_in(kStep));
  REQUIRE(chair.client
              ->wait_for<MumbleProto::TextMessage>([](const MumbleProto::TextMessage& m) { return m.message() == kText; },
                                                   deadline_in(kStep))
              .has_value());

  MumbleProto::UserState join;
  join.set_channel_id(hall);
  visitor.client->send(join, deadline_in(kStep));
  REQUIRE(chair.client
              ->wait_for<MumbleProto::UserState>(
                  [&](const MumbleProto::UserState& s) { return s.session() == session && s.channel_id() == hall; },
                  deadline_in(kStep))
              .has_value());

  visitor.client->close();
  REQUIRE(chair.client
              ->wait_for<MumbleProto::UserRemove>(
                  [&](const MumbleProto::UserRemove& r) { return r.session() == session; }, deadline_in(kStep))
              .has_value());
  chair.client->close();
  server.stop();
  REQUIRE(server.last_exit().has_value());
  CHECK_MESSAGE(server.last_exit()->clean(), server.last_exit()->describe());
  return trace;
}

// The log without the startup line, which names the server's own listening address.
std::string log_about_clients(const PlenumProcess& server) {
  std::istringstream lines(server.log());
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    // The server's own address (where it listens, where its web client is) is not a client's.
    if (line.find("plenum-server listening on") == std::string::npos &&
        line.find("web client at https://") == std::string::npos)
      kept += line + "\n";
  }
  return kept;
}

// The database file and its journal companions (-wal, -shm, -journal), byte for byte.
std::string database_bytes(const PlenumProcess& server) {
  std::string bytes;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir())) {
    if (!entry.path().filename().string().starts_with("plenum.sqlite")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ++files;
  }
  REQUIRE_MESSAGE(files >= 1, "no database in " << server.data_dir());
  return bytes;
}

// Every value of every row of every table, as text, one per line.
std::string database_values(const PlenumProcess& server) {
  sqlite3* db = nullptr;
  const auto path = server.data_dir() / "plenum.sqlite";
  const int opened = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> owner(db, &sqlite3_close);
  REQUIRE_MESSAGE(opened == SQLITE_OK, "cannot open " << path);
  std::vector<std::string> tables;
  const auto each_row = [&](const std::string& sql, auto&& on_row) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
    const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> done(statement, &sqlite3_finalize);
    while (sqlite3_step(statement) == SQLITE_ROW) on_row(statement);
  };
  each_row("SELECT name FROM sqlite_master WHERE type = 'table'", [&](sqlite3_stmt* row) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(row, 0)));
  });
  REQUIRE_FALSE(tables.empty());
  std::string values;
  for (const auto& table : tables) {
    each_row("SELECT * FROM \"" + table + "\"", [&](sqlite3_stmt* row) {
      for (int column = 0; column < sqlite3_column_count(row); ++column) {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(row, column));
        const int size = sqlite3_column_bytes(row, column);
        if (data != nullptr) values.append(data, static_cast<std::size_t>(size));
        values += '\n';
      }
    });
  }
  return values;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("by default neither the debug log nor the database holds addresses, names or hashes") {
  const auto trace = run_scripted_session(false, false);
  const std::string log = log_about_clients(*trace.server);
  // The session did leave its traces, under session numbers.
  CHECK(contains(log, "authenticated as [name hidden]"));
  CHECK(contains(log, "text message"));
  CHECK_MESSAGE(!contains(log, kAddress), log);
  CHECK_MESSAGE(!contains(log, kVisitor), log);
  CHECK_MESSAGE(!contains(log, trace.visitor_hash), log);
  CHECK_MESSAGE(!contains(log, kText), log);

  const std::string raw = database_bytes(*trace.server);
  CHECK_FALSE(contains(raw, kAddress));
  CHECK_FALSE(contains(raw, kVisitor));
  CHECK_FALSE(contains(raw, trace.visitor_hash));
  const std::string values = database_values(*trace.server);
  CHECK(contains(values, "Plenary Hall"));  // the query does see stored data
  CHECK_FALSE(contains(values, kAddress));
  CHECK_FALSE(contains(values, kVisitor));
  CHECK_FALSE(contains(values, trace.visitor_hash));
}

TEST_CASE("log_ip and log_names put addresses and names in the log, and still nothing in the database") {
  const auto trace = run_scripted_session(true, true);
  const std::string log = log_about_clients(*trace.server);
  CHECK_MESSAGE(contains(log, kAddress), log);
  CHECK_MESSAGE(contains(log, kVisitor), log);

  const std::string raw = database_bytes(*trace.server);
  CHECK_FALSE(contains(raw, kAddress));
  CHECK_FALSE(contains(raw, kVisitor));
  const std::string values = database_values(*trace.server);
  CHECK_FALSE(contains(values, kAddress));
  CHECK_FALSE(contains(values, kVisitor));
}

}  // namespace
}  // namespace plenum::test
