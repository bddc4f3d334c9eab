// A thin RAII layer over SQLite's C API for the store's tables: prepared statements and
// savepoints, with failures thrown as StoreError. Used only by the thread that owns the Database.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::store {

// Throws StoreError("store: <file>: <what>: <SQLite's message>").
[[noreturn]] void throw_sqlite_error(sqlite3* db, std::string_view what);

// Runs SQL without results (one or more statements).
void exec(sqlite3* db, const char* sql);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Begins a use: resets the statement and clears old bindings. Parameters count from 1.
  Statement& start();
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);
  Statement& bind_real(int index, double value);  // not an overload: integers would be ambiguous
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  bool next_row();  // true while a row is ready; false once done (the statement is then reset)
  void run();       // steps a statement without rows to the end

  // Columns of the current row count from 0. Values that do not fit throw StoreError: the file
  // may have been edited by hand.
  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::uint32_t uint32(int column) const;
  double real(int column) const;  // SQLite's conversion for non-REAL values (text: its number)
  bool boolean(int column) const;
  std::string text(int column) const;
  std::vector<std::uint8_t> blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// A savepoint; outside a transaction it is one. release() keeps the changes; destroying it
// unreleased rolls them back.
class Savepoint {
 public:
  explicit Savepoint(sqlite3* db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace plenum::server::store
