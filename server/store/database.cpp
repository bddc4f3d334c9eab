#include "server/store/database.hpp"

#include <fmt/core.h>

#include <string>
#include <system_error>

#include "server/store/schema.hpp"
#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, std::string_view problem) {
  throw StoreError{fmt::format("store: {}: {}", file.string(), problem)};
}

// Returns the first row's first column of a pragma, as text.
std::string pragma(sqlite3* db, const char* sql) {
  Statement statement{db, sql};
  statement.start();
  std::string value = statement.next_row() ? statement.text(0) : std::string{};
  statement.start();
  return value;
}

sqlite3* open_connection(const std::filesystem::path& file) {
  if (const std::filesystem::path dir = file.parent_path(); !dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
      fail(file, fmt::format("cannot create directory {}: {}", dir.string(), error.message()));
  }
  sqlite3* db = nullptr;
  const int result =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (result != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result);
    sqlite3_close(db);
    fail(file, fmt::format("cannot open: {}", message));
  }
  return db;
}

// Everything between opening and migrating; throws StoreError naming the file.
void prepare_connection(sqlite3* db, const std::filesystem::path& file) {
  sqlite3_extended_result_codes(db, 1);
  // Another process holding the write lock (a second server on the same file) fails fast.
  sqlite3_busy_timeout(db, 2000);
  exec(db, "PRAGMA foreign_keys = ON");
  // The first statement that reads the file: a file that is no database fails here.
  if (const std::string mode = pragma(db, "PRAGMA journal_mode = WAL"); mode != "wal") {
    fail(file, fmt::format("cannot use write-ahead logging (journal mode stays \"{}\")", mode));
  }
  // WAL with synchronous=NORMAL cannot corrupt the file; a power cut may lose the last commits.
  exec(db, "PRAGMA synchronous = NORMAL");
  if (const std::string check = pragma(db, "PRAGMA quick_check(1)"); check != "ok") {
    fail(file, fmt::format("failed the integrity check: {}", check));
  }
  if (sqlite3_db_readonly(db, "main") == 1) fail(file, "is read-only");
  migrate(db);
}

}  // namespace

void Database::Close::operator()(sqlite3* db) const noexcept { sqlite3_close(db); }

Database::Database(const std::filesystem::path& file)
    : file_{file},
      connection_{[&] {
        std::unique_ptr<sqlite3, Close> connection{open_connection(file)};
        prepare_connection(connection.get(), file);  // closes the file when it throws
        return connection;
      }()},
      channels_{connection_.get()},
      acls_{connection_.get()},
      users_{connection_.get()},
      listeners_{connection_.get()},
      bans_{connection_.get()},
      settings_{connection_.get()},
      plenary_{connection_.get()} {}

Database::~Database() = default;

int Database::schema_version() const { return store::schema_version(connection_.get()); }

StoredState Database::load() {
  // One read transaction, so the tables agree with each other.
  Savepoint read{connection_.get()};
  StoredState state;
  state.channels = channels_.load_channels();
  state.links = channels_.load_links();
  state.acls = acls_.load_acls();
  state.groups = acls_.load_groups();
  state.users = users_.load();
  state.listeners = listeners_.load();
  state.bans = bans_.load();
  state.settings = settings_.load();
  state.plenary = plenary_.load();
  read.release();
  return state;
}

}  // namespace plenum::server::store
