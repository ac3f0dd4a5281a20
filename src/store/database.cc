// Shared parts of the storage layer: values, rows, URL dispatch and redaction.
#include "tandem/store/database.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "store/backends.h"

namespace tandem::store {

std::string Value::ToText() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      return buffer;
    }
    std::string operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, value_);
}

const std::string& Row::Text(size_t i) const {
  static const std::string kEmpty;
  const std::optional<std::string>& column = columns_.at(i);
  return column ? *column : kEmpty;
}

int64_t Row::Int(size_t i) const {
  const std::string& text = Text(i);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

double Row::Real(size_t i) const {
  const std::string& text = Text(i);
  return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr);
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size) {
  if (pool_size < 1) pool_size = 1;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgresql(url, pool_size);
  }
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    if (path.empty())
      return Error::InvalidInput("--db: sqlite: needs a path, e.g. sqlite:tandem.db");
    return OpenSqlite(path, pool_size);
  }
  if (url.find("://") != std::string::npos || url.empty()) {
    return Error::InvalidInput("--db: unsupported database URL " + RedactUrl(url) +
                               "; allowed: sqlite:PATH or postgresql://...");
  }
  return OpenSqlite(url, pool_size);
}

Result<int64_t> QueryInt(Connection& connection, std::string_view sql,
                         const std::vector<Value>& params) {
  Result<Rows> rows = connection.Query(sql, params);
  if (!rows.ok()) return rows.error();
  if (rows.value().rows.empty()) return Error::Internal("no row from: " + std::string(sql));
  return rows.value().rows.front().Int(0);
}

}  // namespace tandem::store
