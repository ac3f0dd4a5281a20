// SQLite behind the Database interface: WAL journal, full fsync, foreign keys, a busy timeout,
// a statement cache per connection. Writers begin IMMEDIATE so that they serialise up front
// instead of failing at their first write.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <map>

#include "store/backends.h"

namespace tandem::store {
namespace {

class SqliteConnection final : public PooledConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* statement = nullptr;
    auto found = statements_.find(std::string(sql));
    if (found != statements_.end()) {
      statement = found->second;
    } else {
      if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
          SQLITE_OK) {
        return Failure("prepare");
      }
      statements_.emplace(std::string(sql), statement);
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    for (size_t i = 0; i < params.size(); ++i) {
      const std::string name = "$" + std::to_string(i + 1);
      const int index = sqlite3_bind_parameter_index(statement, name.c_str());
      if (index == 0) continue;  // parameter not used by this statement
      int rc = SQLITE_OK;
      const auto& value = params[i].get();
      if (std::holds_alternative<std::monostate>(value)) {
        rc = sqlite3_bind_null(statement, index);
      } else if (const int64_t* integer = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(statement, index, *integer);
      } else if (const double* real = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(statement, index, *real);
      } else {
        const std::string& text = std::get<std::string>(value);
        rc = sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Failure("bind");
    }
    Rows rows;
    for (;;) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error error = Failure("step").error();
        sqlite3_reset(statement);
        return error;
      }
      const int columns = sqlite3_column_count(statement);
      std::vector<std::optional<std::string>> row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(statement, c)) {
          case SQLITE_NULL:
            row.emplace_back(std::nullopt);
            break;
          case SQLITE_INTEGER:
            row.emplace_back(std::to_string(sqlite3_column_int64(statement, c)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(Value(sqlite3_column_double(statement, c)).ToText());
            break;
          default: {
            const unsigned char* text = sqlite3_column_text(statement, c);
            const int bytes = sqlite3_column_bytes(statement, c);
            row.emplace_back(
                std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(bytes)));
          }
        }
      }
      rows.rows.emplace_back(std::move(row));
    }
    rows.affected = sqlite3_changes(db_);
    sqlite3_reset(statement);
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string what = message ? message : "unknown error";
      sqlite3_free(message);
      transient_ = transient_ || IsBusy(sqlite3_errcode(db_));
      return Error::Io("sqlite: " + what);
    }
    return OkStatus();
  }

  Status Begin(bool read_only) override {
    transient_ = false;
    return ExecScript(read_only ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
  }
  Status Commit() override { return ExecScript("COMMIT"); }
  void Rollback() override {
    const bool transient = transient_;
    (void)ExecScript("ROLLBACK");
    transient_ = transient;
  }
  bool LastErrorTransient() const override { return transient_; }
  bool Healthy() const override { return true; }

 private:
  static bool IsBusy(int code) {
    return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
  }

  Result<Rows> Failure(const char* what) {
    const int code = sqlite3_extended_errcode(db_);
    transient_ = transient_ || IsBusy(code);
    std::string message = std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_);
    if ((code & 0xff) == SQLITE_CONSTRAINT) return Error::InvalidInput("constraint: " + message);
    return Error::Io(message);
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
  bool transient_ = false;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, int pool_size)
      : path_(std::move(path)),
        pool_(path_ == ":memory:" ? 1 : pool_size, [this] { return Open(); }) {}

  Dialect dialect() const override { return Dialect::kSqlite; }
  Status Transaction(const std::function<Status(Connection&)>& body) override {
    return RunTransaction(pool_, false, body);
  }
  Status Read(const std::function<Status(Connection&)>& body) override {
    return RunTransaction(pool_, true, body);
  }
  std::string Describe() const override { return "sqlite:" + path_; }

  Result<std::unique_ptr<PooledConnection>> Open() {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path_.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close_v2(db);
      return Error::Io("cannot open sqlite database " + path_ + ": " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);
    auto connection = std::make_unique<SqliteConnection>(db);
    // WAL lets readers run beside the writer; synchronous=FULL makes every COMMIT durable
    // before it returns (nothing acknowledged is lost, even on power loss).
    Status pragmas = connection->ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA recursive_triggers=ON;");
    if (!pragmas.ok()) return pragmas.error();
    return std::unique_ptr<PooledConnection>(std::move(connection));
  }

 private:
  std::string path_;
  Pool pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size) {
  // The database holds password hashes and the audit log: a new file is the owner's alone
  // (0600). SQLite gives its -wal and -shm files the database file's permissions.
  if (path != ":memory:" && path.rfind("file:", 0) != 0) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  auto database = std::make_unique<SqliteDatabase>(path, pool_size);
  // Open one connection now so that a bad path fails at start-up, not at the first request.
  Status probe = database->Read([](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT 1", {});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
  if (!probe.ok()) return probe.error();
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace tandem::store
