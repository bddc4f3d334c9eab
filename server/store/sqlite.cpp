#include "server/store/sqlite.hpp"

#include <fmt/core.h>

#include <limits>

#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

// SQL text spans lines; a StoreError is one line.
StoreError one_line_error(std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return StoreError{message};
}

// The start of a statement's SQL, enough to tell which write failed.
std::string sql_summary(sqlite3_stmt* statement) {
  constexpr std::size_t kLength = 48;
  const std::string_view sql = sqlite3_sql(statement);
  return sql.size() <= kLength ? std::string{sql} : std::string{sql.substr(0, kLength)} + "...";
}

}  // namespace

void throw_sqlite_error(sqlite3* db, std::string_view what) {
  const char* file = db == nullptr ? nullptr : sqlite3_db_filename(db, "main");
  const char* message = db == nullptr ? "out of memory" : sqlite3_errmsg(db);
  throw one_line_error(
      fmt::format("store: {}: {}: {}", file == nullptr ? "?" : file, what, message));
}

void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_sqlite_error(db, fmt::format("cannot run \"{}\"", std::string_view{sql}.substr(0, 40)));
  }
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_{db} {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement_, nullptr) != SQLITE_OK) {
    throw_sqlite_error(db, fmt::format("cannot prepare \"{}\"", sql.substr(0, 40)));
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::start() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) throw_sqlite_error(db_, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8) != SQLITE_OK) {
    throw_sqlite_error(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  if (sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    throw_sqlite_error(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) throw_sqlite_error(db_, "bind");
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK) throw_sqlite_error(db_, "bind");
  return *this;
}

bool Statement::next_row() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result != SQLITE_DONE) {
    const StoreError error =
        one_line_error(fmt::format("store: {}: {}: {}", sqlite3_db_filename(db_, "main"),
                                   sql_summary(statement_), sqlite3_errmsg(db_)));
    sqlite3_reset(statement_);
    throw error;
  }
  // Resetting right away ends the statement's read, so it cannot hold back WAL checkpoints.
  sqlite3_reset(statement_);
  return false;
}

void Statement::run() {
  while (next_row()) {
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

std::uint32_t Statement::uint32(int column) const {
  const std::int64_t value = int64(column);
  if (value < 0 || value > std::numeric_limits<std::uint32_t>::max()) {
    throw one_line_error(fmt::format("store: {}: value {} in column {} of \"{}\" is out of range",
                                     sqlite3_db_filename(db_, "main"), value,
                                     sqlite3_column_name(statement_, column),
                                     sql_summary(statement_)));
  }
  return static_cast<std::uint32_t>(value);
}

double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

bool Statement::boolean(int column) const { return int64(column) != 0; }

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr) return {};
  return {data, data + size};
}

Savepoint::Savepoint(sqlite3* db) : db_{db} { exec(db_, "SAVEPOINT plenum"); }

Savepoint::~Savepoint() {
  if (!open_) return;
  // Errors are ignored here: a failed rollback leaves SQLite to roll back the outer transaction.
  sqlite3_exec(db_, "ROLLBACK TO plenum; RELEASE plenum", nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  exec(db_, "RELEASE plenum");
  open_ = false;
}

}  // namespace plenum::server::store
