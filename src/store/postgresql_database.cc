// PostgreSQL behind the Database interface (libpq). Statements are prepared once per
// connection (PQprepare) and run with text parameters (PQexecPrepared): no value is ever
// spliced into SQL. Transactions run at REPEATABLE READ; serialization failures and deadlocks
// are transient and retried by RunTransaction.
#include <libpq-fe.h>

#include <map>

#include "store/backends.h"

namespace tandem::store {
namespace {

class PostgresqlConnection final : public PooledConnection {
 public:
  explicit PostgresqlConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresqlConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgresql; }

  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    std::string name;
    auto found = statements_.find(std::string(sql));
    if (found != statements_.end()) {
      name = found->second;
    } else {
      name = "s" + std::to_string(statements_.size() + 1);
      PGresult* prepared = PQprepare(conn_, name.c_str(), std::string(sql).c_str(),
                                     static_cast<int>(params.size()), nullptr);
      const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
      if (!ok) return Failure(prepared, "prepare");
      PQclear(prepared);
      statements_.emplace(std::string(sql), name);
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i].is_null()) {
        values[i] = nullptr;
      } else {
        texts[i] = params[i].ToText();
        values[i] = texts[i].c_str();
      }
    }
    PGresult* result = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                      values.data(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Failure(result, "query");
    Rows rows;
    const int tuples = PQntuples(result);
    const int fields = PQnfields(result);
    rows.rows.reserve(static_cast<size_t>(tuples));
    for (int r = 0; r < tuples; ++r) {
      std::vector<std::optional<std::string>> row;
      row.reserve(static_cast<size_t>(fields));
      for (int f = 0; f < fields; ++f) {
        if (PQgetisnull(result, r, f)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(result, r, f),
                                       static_cast<size_t>(PQgetlength(result, r, f))));
        }
      }
      rows.rows.emplace_back(std::move(row));
    }
    const char* affected = PQcmdTuples(result);
    rows.affected = (affected && *affected) ? std::atoll(affected) : 0;
    PQclear(result);
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    PGresult* result = PQexec(conn_, std::string(sql).c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      return Failure(result, "exec").error();
    PQclear(result);
    return OkStatus();
  }

  Status Begin(bool read_only) override {
    transient_ = false;
    return ExecScript(read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                : "BEGIN ISOLATION LEVEL REPEATABLE READ");
  }
  Status Commit() override { return ExecScript("COMMIT"); }
  void Rollback() override {
    const bool transient = transient_;
    (void)ExecScript("ROLLBACK");
    transient_ = transient;
  }
  bool LastErrorTransient() const override { return transient_; }
  bool Healthy() const override { return PQstatus(conn_) == CONNECTION_OK; }

 private:
  Result<Rows> Failure(PGresult* result, const char* what) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string message = std::string("postgresql ") + what + ": " + PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    PQclear(result);
    // 40001 serialization_failure, 40P01 deadlock_detected; a lost connection is also retried.
    transient_ = transient_ || sqlstate == "40001" || sqlstate == "40P01" ||
                 PQstatus(conn_) != CONNECTION_OK;
    if (sqlstate.rfind("23", 0) == 0) return Error::InvalidInput("constraint: " + message);
    return Error::Io(message);
  }

  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> statements_;
  bool transient_ = false;
};

class PostgresqlDatabase final : public Database {
 public:
  PostgresqlDatabase(std::string url, int pool_size)
      : url_(std::move(url)), pool_(pool_size, [this] { return Open(); }) {}

  Dialect dialect() const override { return Dialect::kPostgresql; }
  Status Transaction(const std::function<Status(Connection&)>& body) override {
    return RunTransaction(pool_, false, body);
  }
  Status Read(const std::function<Status(Connection&)>& body) override {
    return RunTransaction(pool_, true, body);
  }
  std::string Describe() const override { return RedactUrl(url_); }

  Result<std::unique_ptr<PooledConnection>> Open() {
    PGconn* conn = PQconnectdb(url_.c_str());
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      std::string message = conn ? PQerrorMessage(conn) : "out of memory";
      while (!message.empty() && message.back() == '\n') message.pop_back();
      PQfinish(conn);
      return Error::Io("cannot connect to " + RedactUrl(url_) + ": " + message);
    }
    auto connection = std::make_unique<PostgresqlConnection>(conn);
    Status quiet = connection->ExecScript("SET client_min_messages = warning");
    if (!quiet.ok()) return quiet.error();
    return std::unique_ptr<PooledConnection>(std::move(connection));
  }

 private:
  std::string url_;
  Pool pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresql(const std::string& url, int pool_size) {
  auto database = std::make_unique<PostgresqlDatabase>(url, pool_size);
  Status probe = database->Read([](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT 1", {});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
  if (!probe.ok()) return probe.error();
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace tandem::store
