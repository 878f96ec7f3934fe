// src/store/sqlite.h: small RAII wrappers over the sqlite3 C API (no SQLiteCpp: one less
// dependency). Errors come back as core::Error{io_error, <file>, "<what SQLite said> …"}.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace willis::store {

/// An open connection; closes on destruction.
class Connection {
 public:
  Connection() = default;
  /// Opens an existing or new file. `vfs` = nullptr for the default VFS (tests pass a fault VFS).
  static core::Result<Connection> open(const std::string& path, int flags, const char* vfs);

  sqlite3* get() const { return db_.get(); }
  const std::string& path() const { return path_; }

  /// Runs SQL that returns no rows (may hold several statements).
  std::optional<core::Error> exec(std::string_view sql) const;
  /// Error for the connection's last failure, with `doing` ("saving the entry") in the message.
  core::Error error(std::string_view doing) const;
  core::Error error(std::string_view doing, int code) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

/// A prepared statement with 1-based binds and 0-based columns.
class Statement {
 public:
  static core::Result<Statement> prepare(const Connection& connection, std::string_view sql);

  void bind_null(int index);
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;

  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static core::Result<std::unique_ptr<Transaction>> begin(const Connection& connection,
                                                          std::string_view doing);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  std::optional<core::Error> commit();

 private:
  Transaction(const Connection& connection, std::string doing)
      : connection_(connection), doing_(std::move(doing)) {}
  const Connection& connection_;
  std::string doing_;
  bool done_ = false;
};

}  // namespace willis::store
