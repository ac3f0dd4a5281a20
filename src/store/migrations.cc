// Versioned schema migrations, run on start-up. Each migration runs in its own transaction
// and is recorded in schema_migrations; a migration is never edited once released: changes
// are new migrations. The text is shared by both databases except where noted.
#include <chrono>
#include <string>
#include <vector>

#include "tandem/store/database.h"

namespace tandem::store {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;           // {id} = a generated integer primary key
  const char* sqlite_extra;  // dialect-specific tail (may be empty)
  const char* postgresql_extra;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "users, workspaces, entities, processes, jobs, alerts, audit",
       R"sql(
CREATE TABLE users (
  id {id},
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE credentials (
  id {id},
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  csrf TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT
);
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  version BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE entities (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  position BIGINT NOT NULL,
  body TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, kind, key)
);
CREATE TABLE files (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  content TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, path)
);
CREATE TABLE processes (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  campaign TEXT NOT NULL,
  state TEXT NOT NULL,
  data TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, campaign)
);
CREATE TABLE results (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  verdict TEXT,
  body TEXT NOT NULL,
  seconds DOUBLE PRECISION NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE jobs (
  id {id},
  workspace_id TEXT NOT NULL,
  campaign TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  cause TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_by_key ON jobs(key, status);
CREATE TABLE alerts (
  id {id},
  workspace_id TEXT NOT NULL,
  audience TEXT NOT NULL,
  kind TEXT NOT NULL,
  campaign TEXT NOT NULL,
  message TEXT NOT NULL,
  data TEXT NOT NULL,
  dedupe TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX alerts_by_workspace ON alerts(workspace_id, id);
CREATE TABLE audit (
  id {id},
  workspace_id TEXT NOT NULL,
  campaign TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX audit_by_campaign ON audit(workspace_id, campaign, id);
)sql",
       // The audit log is append-only, enforced by the database itself.
       R"sql(
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
       R"sql(
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
)sql"},
      {2, "the audit log is append-only for every statement form",
       // Nothing shared: the gaps are per database.
       "SELECT 1;",
       // SQLite: INSERT OR REPLACE (and REPLACE INTO) deletes the row it replaces without firing
       // DELETE triggers (unless recursive_triggers is on, which the server sets too): refuse an
       // insert that names an id already there, before the conflict is resolved.
       R"sql(
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
       // PostgreSQL: TRUNCATE fires no row triggers.
       R"sql(
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
)sql"},
      {3, "actuals (follow-up): rows by workspace, file and id; job parameters",
       R"sql(
CREATE TABLE actuals (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  position BIGINT NOT NULL,
  line TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, kind, key)
);
CREATE INDEX actuals_in_order ON actuals(workspace_id, kind, position);
ALTER TABLE jobs ADD COLUMN params TEXT;
)sql",
       "", ""},
      {4, "webhooks: subscriptions, the delivery outbox and its attempts",
       R"sql(
CREATE TABLE webhooks (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE TABLE outbox (
  id {id},
  workspace_id TEXT NOT NULL,
  webhook TEXT NOT NULL,
  alert_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at BIGINT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  FOREIGN KEY (workspace_id, webhook) REFERENCES webhooks(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX outbox_due ON outbox(status, next_at);
CREATE INDEX outbox_by_webhook ON outbox(workspace_id, webhook, id);
CREATE TABLE outbox_attempts (
  outbox_id BIGINT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  status INTEGER,
  error TEXT,
  millis BIGINT NOT NULL,
  PRIMARY KEY (outbox_id, attempt)
);
)sql",
       "", ""},
      // A check's inputs (the scenario document it ran on, JSON) beside its result, so that the
      // next check can say which keys changed (check_delta.h). NULL for results stored before.
      {5, "results keep the inputs of a check", "ALTER TABLE results ADD COLUMN inputs TEXT;", "",
       ""},
      {6, "lift_history (follow-up): planned against observed lift per campaign, the latest as-of",
       R"sql(
CREATE TABLE lift_history (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  campaign TEXT NOT NULL,
  planned DOUBLE PRECISION NOT NULL,
  observed DOUBLE PRECISION NOT NULL,
  ratio DOUBLE PRECISION,
  elapsed_days DOUBLE PRECISION NOT NULL,
  counted INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, campaign)
);
)sql",
       "", ""},
      // Several servers on one database (docs/server.md, "Several servers"): a job is claimed by
      // one server (`claimed_by`) until its lease ends (`lease_until`, milliseconds since the
      // epoch, renewed while it runs); failed logins and the device cookies' key are shared.
      {7, "replicas: job claims with leases, shared login failures and server secrets",
       R"sql(
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_claimable ON jobs(status, lease_until);
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  blocked_until BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
       "", ""},
  };
  return migrations;
}

std::string Expand(const char* text, Dialect dialect) {
  std::string sql(text);
  const std::string id =
      dialect == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  for (size_t at = sql.find("{id}"); at != std::string::npos; at = sql.find("{id}", at))
    sql.replace(at, 4, id);
  return sql;
}

std::string NowText() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

int LatestSchemaVersion() {
  return Migrations().back().version;
}

Result<int> Migrate(Database& database) {
  Status created = database.Transaction([](Connection& c) -> Status {
    return c.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, "
        "applied_at TEXT NOT NULL)");
  });
  if (!created.ok()) return created.error();
  int current = 0;
  for (const Migration& migration : Migrations()) {
    Status applied = database.Transaction([&](Connection& c) -> Status {
      if (c.dialect() == Dialect::kPostgresql) {
        // Two servers starting at once on one database: the second waits for the first.
        Result<Rows> lock = c.Query("SELECT pg_advisory_xact_lock(7426001)", {});
        if (!lock.ok()) return lock.error();
      }
      Result<Rows> done =
          c.Query("SELECT version FROM schema_migrations WHERE version = $1", {migration.version});
      if (!done.ok()) return done.error();
      if (!done.value().empty()) return OkStatus();
      Status status = c.ExecScript(Expand(migration.sql, c.dialect()));
      if (!status.ok()) return status;
      const char* extra =
          c.dialect() == Dialect::kSqlite ? migration.sqlite_extra : migration.postgresql_extra;
      if (extra && *extra) {
        status = c.ExecScript(extra);
        if (!status.ok()) return status;
      }
      Result<Rows> recorded =
          c.Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                  {migration.version, migration.name, NowText()});
      return recorded.ok() ? OkStatus() : Status(recorded.error());
    });
    if (!applied.ok()) {
      Error error = applied.error();
      error.message = "migration " + std::to_string(migration.version) + " (" + migration.name +
                      "): " + error.message;
      return error;
    }
    current = migration.version;
  }
  // A database migrated by a newer tandem is refused rather than misread.
  int newest = current;
  Status read = database.Read([&](Connection& c) -> Status {
    Result<int64_t> version = QueryInt(c, "SELECT MAX(version) FROM schema_migrations", {});
    if (!version.ok()) return version.error();
    newest = static_cast<int>(version.value());
    return OkStatus();
  });
  if (!read.ok()) return read.error();
  if (newest > LatestSchemaVersion()) {
    return Error::InvalidInput("the database has schema version " + std::to_string(newest) +
                               ", newer than this tandem knows (" +
                               std::to_string(LatestSchemaVersion()) + ")");
  }
  return current;
}

}  // namespace tandem::store
