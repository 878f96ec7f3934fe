#include "store/sqlite.h"

#include <string>

namespace willis::store {
namespace {

/// What to tell the person for the SQLite failures they can act on.
std::string advice(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "; another program is using the diary, close it and try again";
    case SQLITE_FULL:
      return "; the disk is full, free some space and try again";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return "; check that the file and its folder exist and are writable by you";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "; this file is not a readable willis diary (pick another with --db)";
    case SQLITE_IOERR:
      return "; the diary keeps either its earlier state or the completed change, never half "
             "of it: check with `willis diary list`";
    default:
      return "";
  }
}

}  // namespace

core::Result<Connection> Connection::open(const std::string& path, int flags, const char* vfs) {
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Connection connection;
  connection.db_.reset(raw);
  connection.path_ = path;
  if (code != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(code);
    return core::Error(core::Errc::io_error, path,
                       "cannot open the diary: " + message + advice(code));
  }
  sqlite3_extended_result_codes(raw, 1);
  return connection;
}

std::optional<core::Error> Connection::exec(std::string_view sql) const {
  const std::string text(sql);
  char* message = nullptr;
  const int code = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return std::nullopt;
  std::string what = message ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  return core::Error(core::Errc::io_error, path_, what + advice(code));
}

core::Error Connection::error(std::string_view doing) const {
  return error(doing, sqlite3_extended_errcode(db_.get()));
}

core::Error Connection::error(std::string_view doing, int code) const {
  return core::Error(core::Errc::io_error, path_,
                     std::string(doing) + " failed: " + sqlite3_errmsg(db_.get()) + advice(code));
}

core::Result<Statement> Statement::prepare(const Connection& connection, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int code =
      sqlite3_prepare_v2(connection.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement;
  statement.stmt_.reset(raw);
  if (code != SQLITE_OK) return connection.error("preparing a query", code);
  return statement;
}

void Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
}
void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
}
void Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
}
void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int Statement::step() {
  return sqlite3_step(stmt_.get());
}
void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}
std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}
double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}
std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  const int bytes = sqlite3_column_bytes(stmt_.get(), column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes))
              : std::string();
}

core::Result<std::unique_ptr<Transaction>> Transaction::begin(const Connection& connection,
                                                              std::string_view doing) {
  // IMMEDIATE takes the write lock now, so a busy diary fails before any work is done.
  if (auto error = connection.exec("BEGIN IMMEDIATE")) {
    error->message = std::string(doing) + " failed: " + error->message;
    return *error;
  }
  return std::unique_ptr<Transaction>(new Transaction(connection, std::string(doing)));
}

Transaction::~Transaction() {
  if (!done_ && !sqlite3_get_autocommit(connection_.get()))
    sqlite3_exec(connection_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

std::optional<core::Error> Transaction::commit() {
  if (auto error = connection_.exec("COMMIT")) {
    error->message = doing_ + " failed: " + error->message;
    return error;  // the destructor rolls back whatever is left
  }
  done_ = true;
  return std::nullopt;
}

}  // namespace willis::store
