// Storage behind one small interface, one implementation per database.
//
// tandem's server keeps its state in SQLite (embedded, the default) or PostgreSQL (for teams).
// Both are reached through `Database`: a pool of connections on which callers run prepared
// statements inside transactions. SQL text is written once, in the dialect both accept:
// parameters are `$1`, `$2`, ... (never values spliced into the text), `RETURNING` gives
// generated ids. The few DDL differences (generated ids) are handled by the migrations.
//
// Usage:
//   Result<std::unique_ptr<Database>> db = OpenDatabase("sqlite:tandem.db");
//   Status status = db.value()->Transaction([&](Connection& c) -> Status {
//     Result<Rows> rows = c.Query("SELECT name FROM users WHERE id = $1", {Value(int64_t{7})});
//     ...
//   });
//
// Errors are values: kInvalidInput for a bad URL, kIo for a database that cannot be reached or
// a statement that fails, kInternal for bugs. A failed statement inside Transaction rolls the
// whole transaction back. Transactions that fail on a transient conflict (SQLITE_BUSY,
// PostgreSQL serialization failure or deadlock) are retried a few times before failing.
//
// Thread safety: Database is thread-safe (connections come from a pool; each transaction has
// its own connection). A Connection is used by one thread at a time, inside one Transaction.
#ifndef TANDEM_STORE_DATABASE_H_
#define TANDEM_STORE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tandem/common/result.h"

namespace tandem::store {

enum class Dialect { kSqlite, kPostgresql };

// A statement parameter: NULL, an integer, a real or text.
class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}                                       // NOLINT: implicit by design
  Value(int64_t value) : value_(value) {}                        // NOLINT
  Value(int value) : value_(static_cast<int64_t>(value)) {}      // NOLINT
  Value(double value) : value_(value) {}                         // NOLINT
  Value(std::string value) : value_(std::move(value)) {}         // NOLINT
  Value(const char* value) : value_(std::string(value)) {}       // NOLINT
  Value(std::string_view value) : value_(std::string(value)) {}  // NOLINT

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  // The value as the text the databases accept for a parameter (NULL: empty; check is_null()).
  std::string ToText() const;
  const std::variant<std::monostate, int64_t, double, std::string>& get() const { return value_; }

 private:
  std::variant<std::monostate, int64_t, double, std::string> value_;
};

// One result row: every column as text (NULL = nullopt). Accessors convert.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}
  size_t size() const { return columns_.size(); }
  bool IsNull(size_t i) const { return !columns_.at(i).has_value(); }
  // NULL reads as "" and 0.
  const std::string& Text(size_t i) const;
  int64_t Int(size_t i) const;
  double Real(size_t i) const;

 private:
  std::vector<std::optional<std::string>> columns_;
};

struct Rows {
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  bool empty() const { return rows.empty(); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  // One prepared statement (cached per connection) with `$n` parameters.
  virtual Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) = 0;
  // Trusted schema text with several statements and no parameters (migrations only).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs `body` in one transaction on a pooled connection: COMMIT when it returns ok, ROLLBACK
  // otherwise (its error is returned). Retries transient conflicts by running `body` again, so
  // `body` must not have effects outside the database that cannot be repeated.
  virtual Status Transaction(const std::function<Status(Connection&)>& body) = 0;
  // The same for reads only: a consistent snapshot that takes no write lock.
  virtual Status Read(const std::function<Status(Connection&)>& body) = 0;
  // A short description for logs, without credentials ("sqlite:tandem.db", "postgresql://host/db").
  virtual std::string Describe() const = 0;
};

// "sqlite:PATH" (":memory:" allowed, for tests), "PATH.db", or "postgresql://..." /
// "postgres://..." (a libpq connection URI). `pool_size` connections at most.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size = 8);

// The URL with any password removed, for logs and messages.
std::string RedactUrl(const std::string& url);

// Applies the schema migrations not yet applied, in order, each in its own transaction, and
// records them in `schema_migrations`. Returns the schema version now in force.
Result<int> Migrate(Database& database);
// The newest schema version this build knows.
int LatestSchemaVersion();

// Convenience: the first column of the first row as an integer, or an error when no row.
Result<int64_t> QueryInt(Connection& connection, std::string_view sql,
                         const std::vector<Value>& params);

}  // namespace tandem::store

#endif  // TANDEM_STORE_DATABASE_H_
