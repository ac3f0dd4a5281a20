// The service: storage of workspaces, users and sessions, the write pipeline. The process
// (confirmations, checks, sign-offs, approval, alerts) is in process.cc.
#include "tandem/server/service.h"

#include <algorithm>
#include <ctime>
#include <regex>
#include <set>

#include "server/crypto.h"
#include "server/service_internal.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/process/alerts.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

const std::regex& KeyPattern() {
  static const std::regex pattern("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$");
  return pattern;
}

const std::regex& UserPattern() {
  static const std::regex pattern("^[a-z0-9][a-z0-9_.-]{0,63}$");
  return pattern;
}

bool ValidFilePath(const std::string& path) {
  static const std::regex pattern("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$");
  if (path.size() > 200 || !std::regex_match(path, pattern)) return false;
  return path.find("..") == std::string::npos;
}

// Who may edit which kind of entry. Budget resources are finance's; other resources,
// calendars and capabilities operations'; offerings marketing's and operations'; messaging and
// campaigns marketing's. Admin may edit everything.
bool MayEditKind(Role role, const std::string& kind, const json* body) {
  if (role == Role::kAdmin) return true;
  if (kind == "resources") {
    const bool budget = body && body->is_object() && body->value("kind", "") == "budget";
    return budget ? role == Role::kFinance : role == Role::kOperations;
  }
  if (kind == "calendars" || kind == "capabilities") return role == Role::kOperations;
  if (kind == "offerings") return role == Role::kMarketing || role == Role::kOperations;
  if (kind == "messaging" || kind == "campaigns") return role == Role::kMarketing;
  return false;
}

json PartOf(const json& body, const std::string& part) {
  return body.is_object() && body.contains(part) ? body[part] : json(nullptr);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening

Service::Service(ServiceOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
}

Service::~Service() {
  if (webhooks_) webhooks_->Stop();  // bounded: tandem/server/webhooks.h
  stopping_ =
      true;  // a running search gives up at its next stage (it is resumed at the next start)
  if (runner_) runner_->Stop();
  if (recommend_runner_) recommend_runner_->Stop();
}

Outcome<std::unique_ptr<Service>> Service::Open(ServiceOptions options) {
  if (!CryptoReady()) return ApiError::Internal("libsodium could not be initialised");
  std::unique_ptr<Service> service(new Service(std::move(options)));
  Result<std::unique_ptr<store::Database>> database =
      store::OpenDatabase(service->options_.database, service->options_.pool_size);
  if (!database.ok()) return ApiError::Internal(database.error().ToString());
  service->database_ = std::move(database.value());
  service->dummy_hash_ = HashPassword(RandomPassword(), service->options_.fast_password_hashing);
  Result<int> migrated = store::Migrate(*service->database_);
  if (!migrated.ok()) return ApiError::Internal(migrated.error().ToString());
  Service* raw = service.get();
  service->webhooks_ = std::make_unique<Webhooks>(*service->database_, service->options_.webhooks,
                                                  [raw] { return raw->Now(); });
  if (service->options_.run_jobs) {
    service->webhooks_->Start();
    service->runner_ = std::make_unique<JobRunner>(service->options_.job_workers);
    service->recommend_runner_ = std::make_unique<JobRunner>(1);
    // Jobs that were queued or running when the server stopped run again.
    std::vector<std::pair<int64_t, std::string>> unfinished;
    Status status = service->database_->Transaction([&](Connection& c) -> Status {
      unfinished.clear();
      Result<Rows> rows = c.Query(
          "UPDATE jobs SET status = 'queued' WHERE status IN ('queued', 'running') RETURNING id, "
          "kind",
          {});
      if (!rows.ok()) return rows.error();
      for (const store::Row& row : rows.value().rows)
        unfinished.emplace_back(row.Int(0), row.Text(1));
      return OkStatus();
    });
    if (!status.ok()) return ApiError::Internal(status.error().ToString());
    std::sort(unfinished.begin(), unfinished.end());
    for (const auto& [job, kind] : unfinished) service->SubmitJob(job, kind);
  }
  return service;
}

std::string Service::DatabaseDescription() const {
  return database_->Describe();
}

Outcome<Reply> Service::Health() {
  int64_t schema = 0;
  Status status = database_->Read([&](Connection& c) -> Status {
    Result<int64_t> version = store::QueryInt(c, "SELECT MAX(version) FROM schema_migrations", {});
    if (!version.ok()) return version.error();
    schema = version.value();
    return OkStatus();
  });
  if (!status.ok()) return ApiError{503, "unavailable", "the database does not answer", {}};
  Reply reply;
  reply.body = {
      {"status", "ok"},
      {"database", database_->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql"},
      {"schema", schema},
      {"jobs_pending", PendingJobs()}};
  return reply;
}

std::string Service::Now() const {
  return TimeText(options_.clock());
}

Outcome<std::string> Service::TokenExpiry(std::optional<int> token_days) const {
  if (token_days && (*token_days < 1 || *token_days > 3650))
    return ApiError::Field("days", "out of range", "1 to 3650 days");
  const auto lifetime = token_days ? std::chrono::hours(24 * *token_days) : options_.token_lifetime;
  return TimeText(options_.clock() + lifetime);
}

std::string Service::TimeText(std::chrono::system_clock::time_point now) const {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(millis));
  return out;
}

size_t Service::PendingJobs() const {
  return (runner_ ? runner_->Pending() : 0) +
         (recommend_runner_ ? recommend_runner_->Pending() : 0);
}

// A finished check may queue counter-proposals, so both runners must be idle at once.
bool Service::WaitForJobs(std::chrono::milliseconds timeout) {
  if (!runner_) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  for (;;) {
    if (!runner_->WaitIdle(left()) || !recommend_runner_->WaitIdle(left())) return false;
    if (PendingJobs() == 0) return true;
    if (left().count() <= 0) return false;
  }
}

std::string Service::MetricsText() const {
  std::string text;
  const auto counter = [&](const char* name, const char* help, int64_t value) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
            " " + std::to_string(value) + "\n";
  };
  counter("tandem_checks_run_total", "Checks simulated (cache misses).", checks_run_.load());
  counter("tandem_checks_cached_total", "Checks answered from the content cache.",
          checks_cached_.load());
  counter("tandem_checks_failed_total", "Checks that failed.", checks_failed_.load());
  counter("tandem_check_seconds_total", "Time spent simulating checks.",
          check_millis_.load() / 1000);
  counter("tandem_recommendations_run_total", "Counter-proposal searches run (cache misses).",
          recommends_run_.load());
  counter("tandem_recommendations_cached_total",
          "Counter-proposals answered from the content cache.", recommends_cached_.load());
  counter("tandem_recommendations_failed_total", "Counter-proposal searches that failed.",
          recommends_failed_.load());
  counter("tandem_writes_total", "Committed workspace writes.", writes_.load());
  counter("tandem_write_conflicts_total", "Writes refused for a stale version.", conflicts_.load());
  counter("tandem_logins_failed_total", "Failed password logins.", logins_failed_.load());
  text +=
      "# HELP tandem_jobs_pending Background jobs queued or running.\n# TYPE tandem_jobs_pending "
      "gauge\n";
  text += "tandem_jobs_pending " + std::to_string(PendingJobs()) + "\n";
  return text;
}

// ---------------------------------------------------------------------------------------------
// Users and authentication

Outcome<Credential> Service::AddUser(const std::string& name, const std::string& role_text,
                                     bool token, std::optional<int> token_days) {
  Outcome<std::string> expires = TokenExpiry(token_days);
  if (!expires.ok()) return expires.error();
  if (!std::regex_match(name, UserPattern())) {
    return ApiError::Field("name", "'" + name + "' is not a valid user name",
                           "lowercase letters, digits, . _ -, up to 64");
  }
  const std::optional<Role> role = ParseRole(role_text);
  if (!role)
    return ApiError::Field("role", "unknown role '" + role_text + "'",
                           "marketing, operations, finance, service, admin");
  Credential credential{name, role_text, token ? "token" : "password", ""};
  const std::string password = token ? std::string() : RandomPassword();
  const std::string hash =
      token ? std::string() : HashPassword(password, options_.fast_password_hashing);
  if (!token && hash.empty())
    return ApiError::Internal("could not hash the password (out of memory)");
  const std::string secret = token ? "tdt_" + RandomHex(32) : password;
  std::optional<ApiError> failure;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> existing = c.Query("SELECT id FROM users WHERE name = $1", {name});
    if (!existing.ok()) return existing.error();
    if (!existing.value().empty()) {
      failure = ApiError::Conflict("a user named '" + name + "' exists", "name");
      return Error::InvalidInput("abort");
    }
    Result<int64_t> id = store::QueryInt(c,
                                         "INSERT INTO users (name, role, password_hash, "
                                         "created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                                         {name, role_text, token ? Value() : Value(hash), Now()});
    if (!id.ok()) return id.error();
    if (token) {
      Result<Rows> inserted = c.Query(
          "INSERT INTO credentials (user_id, kind, secret_hash, created_at, expires_at) VALUES "
          "($1, 'token', $2, $3, $4)",
          {id.value(), Sha256Hex(secret), Now(), expires.value()});
      if (!inserted.ok()) return inserted.error();
    }
    return OkStatus();
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  credential.secret = secret;
  return credential;
}

Outcome<Credential> Service::NewToken(const std::string& name, std::optional<int> token_days) {
  Outcome<std::string> expires = TokenExpiry(token_days);
  if (!expires.ok()) return expires.error();
  const std::string secret = "tdt_" + RandomHex(32);
  Credential credential{name, "", "token", secret};
  std::optional<ApiError> failure;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> user = c.Query("SELECT id, role FROM users WHERE name = $1", {name});
    if (!user.ok()) return user.error();
    if (user.value().empty()) {
      failure = ApiError::NotFound("no user named '" + name + "'");
      return Error::InvalidInput("abort");
    }
    credential.role = user.value().rows[0].Text(1);
    Result<Rows> inserted = c.Query(
        "INSERT INTO credentials (user_id, kind, secret_hash, created_at, expires_at) VALUES ($1, "
        "'token', $2, $3, $4)",
        {user.value().rows[0].Int(0), Sha256Hex(secret), Now(), expires.value()});
    return inserted.ok() ? OkStatus() : Status(inserted.error());
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return credential;
}

Outcome<Reply> Service::ListTokens(const Actor& actor, const std::string& name) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin lists tokens");
  std::optional<ApiError> failure;
  Reply reply;
  Status read = database_->Read([&](Connection& c) -> Status {
    reply.body = {{"user", name}, {"items", json::array()}};
    Result<Rows> user = c.Query("SELECT id FROM users WHERE name = $1", {name});
    if (!user.ok()) return user.error();
    if (user.value().empty()) {
      failure = ApiError::NotFound("no user named '" + name + "'");
      return OkStatus();
    }
    // Never the secret (only its hash is stored) nor the hash.
    Result<Rows> rows = c.Query(
        "SELECT id, created_at, expires_at FROM credentials WHERE user_id = $1 AND kind = 'token' "
        "ORDER BY id",
        {user.value().rows[0].Int(0)});
    if (!rows.ok()) return rows.error();
    const std::string now = Now();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back(
          {{"id", row.Int(0)},
           {"created_at", row.Text(1)},
           {"expires_at", row.IsNull(2) ? json(nullptr) : json(row.Text(2))},
           {"expired", !row.IsNull(2) && row.Text(2) < now}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> Service::RevokeTokens(const Actor& actor, const std::string& name,
                                     std::optional<int64_t> id) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin revokes tokens");
  std::optional<ApiError> failure;
  int64_t revoked = 0;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    failure.reset();
    Result<Rows> user = c.Query("SELECT id FROM users WHERE name = $1", {name});
    if (!user.ok()) return user.error();
    if (user.value().empty()) {
      failure = ApiError::NotFound("no user named '" + name + "'");
      return Error::InvalidInput("abort");
    }
    const int64_t user_id = user.value().rows[0].Int(0);
    Result<Rows> deleted =
        id ? c.Query("DELETE FROM credentials WHERE user_id = $1 AND kind = 'token' AND id = $2",
                     {user_id, *id})
           : c.Query("DELETE FROM credentials WHERE user_id = $1 AND kind = 'token'", {user_id});
    if (!deleted.ok()) return deleted.error();
    revoked = deleted.value().affected;
    if (id && revoked == 0) {
      failure = ApiError::NotFound("user '" + name + "' has no token " + std::to_string(*id));
      return Error::InvalidInput("abort");
    }
    return OkStatus();
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  Reply reply;
  reply.body = {{"user", name}, {"revoked", revoked}};
  return reply;
}

Outcome<Session> Service::Login(const std::string& name, const std::string& password) {
  std::string hash;
  Actor actor;
  Status read = database_->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT id, name, role, password_hash FROM users WHERE name = $1 AND disabled = 0", {name});
    if (!rows.ok()) return rows.error();
    if (!rows.value().empty()) {
      const store::Row& row = rows.value().rows[0];
      actor.user_id = row.Int(0);
      actor.name = row.Text(1);
      actor.role = ParseRole(row.Text(2)).value_or(Role::kMarketing);
      hash = row.Text(3);
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  // Verify against a hash of the same cost when the user does not exist, so that timing does
  // not tell which names exist.
  const bool ok = VerifyPassword(hash.empty() ? dummy_hash_ : hash, password) && !hash.empty();
  if (!ok) {
    ++logins_failed_;
    return ApiError::Unauthenticated("wrong user name or password");
  }
  Session session{actor, "tds_" + RandomHex(32), RandomHex(16), ""};
  const auto expires = options_.clock() + options_.session_lifetime;
  {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(expires);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    session.expires_at = buffer;
  }
  Status status = database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> inserted = c.Query(
        "INSERT INTO credentials (user_id, kind, secret_hash, csrf, created_at, expires_at) "
        "VALUES ($1, 'session', $2, $3, $4, $5)",
        {actor.user_id, Sha256Hex(session.token), session.csrf, Now(), session.expires_at});
    if (!inserted.ok()) return inserted.error();
    // Expired sessions are removed as new ones are made.
    Result<Rows> swept =
        c.Query("DELETE FROM credentials WHERE kind = 'session' AND expires_at < $1", {Now()});
    return swept.ok() ? OkStatus() : Status(swept.error());
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return session;
}

namespace {
Outcome<Authenticated> Authenticate(store::Database& database, const std::string& secret,
                                    const char* kind, const std::string& now) {
  Authenticated result;
  bool found = false;
  Status read = database.Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT u.id, u.name, u.role, c.csrf, c.expires_at FROM credentials c JOIN users u ON u.id "
        "= c.user_id "
        "WHERE c.secret_hash = $1 AND c.kind = $2 AND u.disabled = 0",
        {Sha256Hex(secret), kind});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    const store::Row& row = rows.value().rows[0];
    if (!row.IsNull(4) && row.Text(4) < now) return OkStatus();
    found = true;
    result.actor.user_id = row.Int(0);
    result.actor.name = row.Text(1);
    result.actor.role = ParseRole(row.Text(2)).value_or(Role::kMarketing);
    result.csrf = row.Text(3);
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (!found)
    return ApiError::Unauthenticated(std::string(kind) == "session"
                                         ? "the session has ended; log in again"
                                         : "unknown or revoked token");
  return result;
}
}  // namespace

Outcome<Authenticated> Service::AuthenticateBearer(const std::string& token) {
  return Authenticate(*database_, token, "token", Now());
}

Outcome<Authenticated> Service::AuthenticateSession(const std::string& token) {
  Outcome<Authenticated> result = Authenticate(*database_, token, "session", Now());
  if (result.ok()) result.value().session = true;
  return result;
}

void Service::Logout(const std::string& session_token) {
  (void)database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("DELETE FROM credentials WHERE secret_hash = $1 AND kind = 'session'",
                {Sha256Hex(session_token)});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
}

Outcome<Reply> Service::ListUsers(const Actor& actor) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin lists users");
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status read = database_->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT name, role, created_at FROM users ORDER BY name", {});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back(
          {{"name", row.Text(0)}, {"role", row.Text(1)}, {"created_at", row.Text(2)}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  return reply;
}

Outcome<Reply> Service::CreateUser(const Actor& actor, const json& body) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin adds users");
  if (!body.is_object())
    return ApiError::Field("(body)", "must be an object", "{name, role, credential}");
  if (!body.contains("name") || !body["name"].is_string())
    return ApiError::Field("name", "missing", "a user name");
  if (!body.contains("role") || !body["role"].is_string())
    return ApiError::Field("role", "missing", "a role");
  const std::string kind = body.value("credential", "password");
  if (kind != "password" && kind != "token")
    return ApiError::Field("credential", "unknown kind", "password or token");
  Outcome<Credential> credential = AddUser(body["name"], body["role"], kind == "token");
  if (!credential.ok()) return credential.error();
  Reply reply;
  reply.status = 201;
  reply.body = {{"name", credential.value().user},
                {"role", credential.value().role},
                {"credential", credential.value().kind},
                {"secret", credential.value().secret}};
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Snapshots and the write pipeline

Outcome<Service::Snapshot> LoadSnapshot(Connection& c, const std::string& ws) {
  Service::Snapshot snapshot;
  snapshot.workspace = ws;
  Result<Rows> workspace =
      c.Query("SELECT settings, version, revision FROM workspaces WHERE id = $1", {ws});
  if (!workspace.ok()) return ApiError::Internal(workspace.error().ToString());
  if (workspace.value().empty()) return ApiError::NotFound("no workspace '" + ws + "'");
  snapshot.doc.settings = json::parse(workspace.value().rows[0].Text(0), nullptr, false);
  snapshot.settings_version = workspace.value().rows[0].Int(1);
  snapshot.revision = workspace.value().rows[0].Int(2);
  Result<Rows> entities = c.Query(
      "SELECT kind, key, position, version, body FROM entities WHERE workspace_id = $1", {ws});
  if (!entities.ok()) return ApiError::Internal(entities.error().ToString());
  for (const store::Row& row : entities.value().rows) {
    snapshot.doc.entities.push_back({row.Text(0), row.Text(1), row.Int(2), row.Int(3),
                                     json::parse(row.Text(4), nullptr, false)});
  }
  Result<Rows> files =
      c.Query("SELECT path, content, version FROM files WHERE workspace_id = $1", {ws});
  if (!files.ok()) return ApiError::Internal(files.error().ToString());
  for (const store::Row& row : files.value().rows) {
    snapshot.doc.files[row.Text(0)] = row.Text(1);
    snapshot.file_versions[row.Text(0)] = row.Int(2);
  }
  Result<Rows> processes =
      c.Query("SELECT campaign, state, data, version FROM processes WHERE workspace_id = $1", {ws});
  if (!processes.ok()) return ApiError::Internal(processes.error().ToString());
  for (const store::Row& row : processes.value().rows) {
    // A state the core does not know cannot have been written by this server: read as draft,
    // the state in which nothing is committed.
    ProcessRow process{row.Text(0),
                       process::ParseState(row.Text(1)).value_or(process::ProcessState::kDraft),
                       json::parse(row.Text(2), nullptr, false), row.Int(3)};
    snapshot.processes[process.campaign] = std::move(process);
  }
  return snapshot;
}

Entity* Service::Snapshot::Find(const std::string& kind, const std::string& key) {
  for (Entity& entity : doc.entities) {
    if (entity.kind == kind && entity.key == key) return &entity;
  }
  return nullptr;
}

const Entity* Service::Snapshot::Find(const std::string& kind, const std::string& key) const {
  for (const Entity& entity : doc.entities) {
    if (entity.kind == kind && entity.key == key) return &entity;
  }
  return nullptr;
}

namespace {

// Writes what changed between `before` and `after`. A row whose version moved since it was
// read means a concurrent writer got there first: a conflict (cannot happen while the
// workspace row is locked, kept as a second line of defence).
Outcome<bool> Persist(Connection& c, const Service::Snapshot& before,
                      const Service::Snapshot& after, const std::string& actor,
                      const std::string& now) {
  const std::string& ws = after.workspace;
  const auto conflict = [](const std::string& what) {
    return ApiError::Conflict(what + " changed meanwhile; read it again");
  };
  if (before.doc.settings != after.doc.settings) {
    Result<Rows> rows = c.Query(
        "UPDATE workspaces SET settings = $1, version = version + 1, updated_at = $2 WHERE id = $3 "
        "AND version = $4",
        {after.doc.settings.dump(), now, ws, before.settings_version});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    if (rows.value().affected != 1) return conflict("the workspace settings");
  }
  for (const Entity& entity : after.doc.entities) {
    const Entity* old = before.Find(entity.kind, entity.key);
    if (!old) {
      Result<Rows> rows = c.Query(
          "INSERT INTO entities (workspace_id, kind, key, position, body, version, updated_at, "
          "updated_by) "
          "VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
          {ws, entity.kind, entity.key, entity.position, entity.body.dump(), now, actor});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    } else if (old->body != entity.body || old->position != entity.position) {
      Result<Rows> rows = c.Query(
          "UPDATE entities SET body = $1, position = $2, version = version + 1, updated_at = $3, "
          "updated_by = $4 "
          "WHERE workspace_id = $5 AND kind = $6 AND key = $7 AND version = $8",
          {entity.body.dump(), entity.position, now, actor, ws, entity.kind, entity.key,
           old->version});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
      if (rows.value().affected != 1) return conflict(entity.kind + "/" + entity.key);
    }
  }
  for (const Entity& old : before.doc.entities) {
    if (after.Find(old.kind, old.key)) continue;
    Result<Rows> rows = c.Query(
        "DELETE FROM entities WHERE workspace_id = $1 AND kind = $2 AND key = $3 AND version = $4",
        {ws, old.kind, old.key, old.version});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    if (rows.value().affected != 1) return conflict(old.kind + "/" + old.key);
  }
  for (const auto& [path, content] : after.doc.files) {
    auto old = before.doc.files.find(path);
    if (old == before.doc.files.end()) {
      Result<Rows> rows = c.Query(
          "INSERT INTO files (workspace_id, path, content, version, updated_at, updated_by) VALUES "
          "($1, $2, $3, 1, $4, $5)",
          {ws, path, content, now, actor});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    } else if (old->second != content) {
      Result<Rows> rows = c.Query(
          "UPDATE files SET content = $1, version = version + 1, updated_at = $2, updated_by = $3 "
          "WHERE workspace_id = $4 AND path = $5 AND version = $6",
          {content, now, actor, ws, path, before.file_versions.at(path)});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
      if (rows.value().affected != 1) return conflict("file " + path);
    }
  }
  for (const auto& [path, content] : before.doc.files) {
    if (after.doc.files.count(path)) continue;
    Result<Rows> rows =
        c.Query("DELETE FROM files WHERE workspace_id = $1 AND path = $2", {ws, path});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  }
  for (const auto& [campaign, process] : after.processes) {
    auto old = before.processes.find(campaign);
    if (old == before.processes.end()) {
      Result<Rows> rows = c.Query(
          "INSERT INTO processes (workspace_id, campaign, state, data, version, updated_at) VALUES "
          "($1, $2, $3, $4, 1, $5)",
          {ws, campaign, process::StateName(process.state), process.data.dump(), now});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    } else if (old->second.state != process.state || old->second.data != process.data) {
      Result<Rows> rows = c.Query(
          "UPDATE processes SET state = $1, data = $2, version = version + 1, updated_at = $3 "
          "WHERE workspace_id = $4 AND campaign = $5 AND version = $6",
          {process::StateName(process.state), process.data.dump(), now, ws, campaign,
           old->second.version});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
      if (rows.value().affected != 1) return conflict("the process of " + campaign);
    }
  }
  for (const auto& [campaign, process] : before.processes) {
    if (after.processes.count(campaign)) continue;
    Result<Rows> rows =
        c.Query("DELETE FROM processes WHERE workspace_id = $1 AND campaign = $2", {ws, campaign});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  }
  return true;
}

}  // namespace

Outcome<bool> AppendAudit(Connection& c, const std::string& ws,
                          const std::vector<AuditDraft>& entries, const std::string& now) {
  for (const AuditDraft& entry : entries) {
    Result<Rows> rows = c.Query(
        "INSERT INTO audit (workspace_id, campaign, actor, action, target, detail, at) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7)",
        {ws, entry.campaign, entry.actor, entry.action, entry.target, entry.detail.dump(), now});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  }
  return true;
}

Outcome<bool> AppendAlerts(Connection& c, const std::string& ws, const std::string& campaign,
                           const std::vector<AlertDraft>& alerts, const std::string& now) {
  for (const AlertDraft& alert : alerts) {
    // The feeds it goes to: its kind's audience, one "all" row when that is every function.
    const process::AlertKind* kind = process::FindAlertKind(alert.kind);
    if (!kind) return ApiError::Internal("alert kind '" + alert.kind + "' is not in the table");
    std::vector<std::string> audiences;
    if (kind->audience.empty()) {
      const std::string function = alert.data.value("function", "");
      if (function.empty())
        return ApiError::Internal("alert kind '" + alert.kind + "' needs data.function");
      audiences.push_back(function);
    } else if (kind->audience.size() == Functions().size()) {
      audiences.push_back("all");
    } else {
      for (Role role : kind->audience) audiences.push_back(RoleName(role));
    }
    std::optional<int64_t> first_id;  // of the first feed's row, when this write raised it
    for (const std::string& audience : audiences) {
      // One feed: the draft's own dedupe key (as stored before the table); several: per feed.
      const std::string dedupe =
          ws + ":" + alert.dedupe + (audiences.size() > 1 ? ":" + audience : "");
      Result<Rows> rows = c.Query(
          "INSERT INTO alerts (workspace_id, audience, kind, campaign, message, data, dedupe, "
          "created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe) DO NOTHING RETURNING id",
          {ws, audience, alert.kind, campaign, alert.message, alert.data.dump(), dedupe, now});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
      if (!first_id && !rows.value().empty()) first_id = rows.value().rows[0].Int(0);
    }
    if (first_id) {
      // Raised now: one delivery per subscribed webhook, queued in this transaction.
      const json payload = {{"id", *first_id},
                            {"kind", alert.kind},
                            {"campaign", campaign},
                            {"message", alert.message},
                            {"data", alert.data},
                            {"audience", audiences},
                            {"at", now}};
      Outcome<bool> queued = QueueWebhookDeliveries(c, ws, payload, now);
      if (!queued.ok()) return queued.error();
    }
  }
  return true;
}

Outcome<Reply> Service::Write(const Actor& actor, const std::string& ws, const std::string& cause,
                              const WriteFn& fn) {
  std::optional<ApiError> failure;
  Reply reply;
  std::vector<int64_t> jobs;
  std::vector<int64_t> recommend_jobs;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    failure.reset();
    jobs.clear();
    recommend_jobs.clear();
    const auto abort = [&](ApiError error) -> Status {
      failure = std::move(error);
      return Error::InvalidInput("aborted");
    };
    // Lock the workspace first: writers to one workspace go one at a time.
    Result<Rows> locked =
        c.Query("UPDATE workspaces SET revision = revision + 1 WHERE id = $1", {ws});
    if (!locked.ok()) return locked.error();
    if (locked.value().affected != 1) return abort(ApiError::NotFound("no workspace '" + ws + "'"));
    Outcome<Snapshot> loaded = LoadSnapshot(c, ws);
    if (!loaded.ok()) return abort(loaded.error());
    const Snapshot before = loaded.value();
    WriteContext context{actor,      std::move(loaded.value()),
                         cause,      Now(),
                         {},         {},
                         {},         "",
                         "",         "",
                         CheckTag(), &c,
                         {},         {},
                         ""};
    Outcome<Reply> changed = fn(context);
    if (!changed.ok()) return abort(changed.error());
    reply = std::move(changed.value());
    // The whole workspace must still be a valid scenario.
    const ordered_json assembled = AssembleScenario(context.snapshot.doc);
    Result<Scenario> scenario = ParseDocument(context.snapshot.doc, assembled);
    if (!scenario.ok()) {
      const Error& error = scenario.error();
      if (error.code == ErrorCode::kInternal) return abort(ApiError::Internal(error.ToString()));
      std::vector<FieldError> fields =
          DiagnosticsToFields(error.diagnostics, context.snapshot.doc, context.kind, context.key);
      if (fields.empty()) fields.push_back({"(body)", error.message, "", ""});
      return abort(
          ApiError::Invalid("the change would make the workspace invalid", std::move(fields)));
    }
    jobs = context.queued_jobs;
    Outcome<bool> reconciled = Reconcile(c, context, before, scenario.value(), &jobs);
    if (!reconciled.ok()) return abort(reconciled.error());
    recommend_jobs = context.queued_recommend_jobs;
    if (!context.reply_process.empty()) {
      // The process as this write leaves it, withdrawals and re-checks included.
      auto process = context.snapshot.processes.find(context.reply_process);
      if (process == context.snapshot.processes.end())
        return abort(ApiError::Internal("the process vanished"));
      const Entity* entity = context.snapshot.Find("campaigns", context.reply_process);
      const int http_status = reply.status;
      reply = ProcessReply(process->second, entity ? &entity->body : nullptr, context);
      reply.status = http_status;
    }
    Outcome<bool> persisted = Persist(c, before, context.snapshot, actor.name, context.now);
    if (!persisted.ok()) return abort(persisted.error());
    Outcome<bool> audited = AppendAudit(c, ws, context.audit, context.now);
    if (!audited.ok()) return abort(audited.error());
    for (const auto& [campaign, alerts] : context.alerts) {
      Outcome<bool> alerted = AppendAlerts(c, ws, campaign, alerts, context.now);
      if (!alerted.ok()) return abort(alerted.error());
    }
    if (reply.version.has_value() && *reply.version < 0) {
      // The callback asked for the new version of an entity it wrote: read it back.
      Result<int64_t> version = store::QueryInt(
          c, "SELECT version FROM entities WHERE workspace_id = $1 AND kind = $2 AND key = $3",
          {ws, context.kind, context.key});
      if (!version.ok()) return version.error();
      reply.version = version.value();
      if (reply.body.is_object() && reply.body.contains("version"))
        reply.body["version"] = version.value();
    }
    return OkStatus();
  });
  if (failure) {
    if (failure->status == 409) ++conflicts_;
    return *failure;
  }
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  ++writes_;
  for (int64_t job : jobs) SubmitJob(job, "check");
  for (int64_t job : recommend_jobs) SubmitJob(job, "recommend");
  return reply;
}

Outcome<Reply> Service::ReadWorkspace(const std::string& ws,
                                      const std::function<Outcome<Reply>(const Snapshot&)>& fn) {
  std::optional<Outcome<Reply>> result;
  Status status = database_->Read([&](Connection& c) -> Status {
    Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
    if (!snapshot.ok()) {
      result = snapshot.error();
      return OkStatus();
    }
    result = fn(snapshot.value());
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return std::move(*result);
}

// ---------------------------------------------------------------------------------------------
// Workspaces

Outcome<int64_t> RequireMatch(std::optional<int64_t> if_match, int64_t current,
                              const std::string& what) {
  if (!if_match)
    return ApiError::PreconditionRequired("updating " + what +
                                          " needs If-Match with the version read");
  if (*if_match != current) {
    return ApiError::Conflict(what + " is at version " + std::to_string(current) + ", not " +
                                  std::to_string(*if_match) +
                                  "; someone changed it since you read it",
                              "If-Match");
  }
  return current;
}

namespace {

Outcome<bool> CheckSettingsBody(const json& body) {
  if (!body.is_object())
    return ApiError::Field("(body)", "must be an object",
                           "name, currency, horizon, today, simulation");
  for (const auto& [key, value] : body.items()) {
    if (std::find(SettingsKeys().begin(), SettingsKeys().end(), key) == SettingsKeys().end()) {
      return ApiError::Field(key, "unknown key", "name, currency, horizon, today, simulation");
    }
  }
  return true;
}
}  // namespace

Outcome<Reply> Service::ListWorkspaces(const Actor&) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status read = database_->Read([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("SELECT id, settings, version, updated_at FROM workspaces ORDER BY id", {});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      const json settings = json::parse(row.Text(1), nullptr, false);
      reply.body["items"].push_back(
          {{"id", row.Text(0)},
           {"name", settings.is_object() ? settings.value("name", "") : ""},
           {"version", row.Int(2)},
           {"updated_at", row.Text(3)}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  return reply;
}

Outcome<Reply> Service::CreateWorkspace(const Actor& actor, const json& body) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing) {
    return ApiError::Forbidden("only marketing and admin create workspaces");
  }
  if (!body.is_object()) return ApiError::Field("(body)", "must be an object", "{id, settings}");
  if (!body.contains("id") || !body["id"].is_string() ||
      !std::regex_match(body["id"].get<std::string>(), KeyPattern())) {
    return ApiError::Field("id", "missing or not a valid id", "letters, digits, . _ -, up to 100");
  }
  const std::string ws = body["id"];
  const json settings = body.value("settings", json::object());
  Outcome<bool> checked = CheckSettingsBody(settings);
  if (!checked.ok()) {
    ApiError error = checked.error();
    for (FieldError& field : error.fields) field.field = "settings." + field.field;
    return error;
  }
  // The settings must read as a scenario's top level.
  Document document;
  document.settings = settings;
  Result<Scenario> parsed = ParseDocument(document, AssembleScenario(document));
  if (!parsed.ok()) {
    std::vector<FieldError> fields =
        DiagnosticsToFields(parsed.error().diagnostics, document, "settings", "");
    for (FieldError& field : fields) field.field = "settings." + field.field;
    return ApiError::Invalid("invalid settings", fields);
  }
  std::optional<ApiError> failure;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> existing = c.Query("SELECT id FROM workspaces WHERE id = $1", {ws});
    if (!existing.ok()) return existing.error();
    if (!existing.value().empty()) {
      failure = ApiError::Conflict("a workspace '" + ws + "' exists", "id");
      return Error::InvalidInput("abort");
    }
    const std::string now = Now();
    Result<Rows> inserted = c.Query(
        "INSERT INTO workspaces (id, settings, version, revision, created_at, updated_at) VALUES "
        "($1, $2, 1, 1, $3, $3)",
        {ws, settings.dump(), now});
    if (!inserted.ok()) return inserted.error();
    Outcome<bool> audited = AppendAudit(
        c, ws, {{"", actor.name, "create", "workspace", {{"settings", settings}}}}, now);
    return audited.ok() ? OkStatus() : Status(Error::Internal(audited.error().message));
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  Reply reply;
  reply.status = 201;
  reply.version = 1;
  reply.body = {{"id", ws}, {"version", 1}, {"settings", settings}};
  return reply;
}

Outcome<Reply> Service::GetWorkspace(const Actor&, const std::string& ws) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.version = snapshot.settings_version;
    json counts = json::object();
    for (const std::string& kind : EntityKinds()) counts[kind] = 0;
    for (const Entity& entity : snapshot.doc.entities)
      counts[entity.kind] = counts[entity.kind].get<int>() + 1;
    json problems = json::array();
    if (counts["offerings"] == 0) problems.push_back("no offerings yet: checks need at least one");
    reply.body = {{"id", ws},
                  {"version", snapshot.settings_version},
                  {"revision", snapshot.revision},
                  {"settings", snapshot.doc.settings},
                  {"counts", counts},
                  {"problems", problems}};
    return reply;
  });
}

Outcome<Reply> Service::PutSettings(const Actor& actor, const std::string& ws, const json& body,
                                    std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing) {
    return ApiError::Forbidden("only marketing and admin change workspace settings");
  }
  Outcome<bool> checked = CheckSettingsBody(body);
  if (!checked.ok()) return checked.error();
  return Write(actor, ws, "settings", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<int64_t> matched =
        RequireMatch(if_match, context.snapshot.settings_version, "the workspace settings");
    if (!matched.ok()) return matched.error();
    context.kind = "settings";
    context.audit.push_back({"",
                             actor.name,
                             "update",
                             "settings",
                             {{"before", context.snapshot.doc.settings}, {"after", body}}});
    const bool changed = context.snapshot.doc.settings != body;
    context.snapshot.doc.settings = body;
    Reply reply;
    reply.version = context.snapshot.settings_version + (changed ? 1 : 0);
    reply.body = {{"id", ws}, {"version", *reply.version}, {"settings", body}};
    return reply;
  });
}

Outcome<Reply> Service::DeleteWorkspace(const Actor& actor, const std::string& ws,
                                        std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin deletes workspaces");
  std::optional<ApiError> failure;
  Status status = database_->Transaction([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT version FROM workspaces WHERE id = $1", {ws});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) {
      failure = ApiError::NotFound("no workspace '" + ws + "'");
      return Error::InvalidInput("abort");
    }
    Outcome<int64_t> matched = RequireMatch(if_match, rows.value().rows[0].Int(0), "the workspace");
    if (!matched.ok()) {
      failure = matched.error();
      return Error::InvalidInput("abort");
    }
    for (const char* sql : {"DELETE FROM entities WHERE workspace_id = $1",
                            "DELETE FROM files WHERE workspace_id = $1",
                            "DELETE FROM processes WHERE workspace_id = $1",
                            "DELETE FROM workspaces WHERE id = $1"}) {
      Result<Rows> deleted = c.Query(sql, {ws});
      if (!deleted.ok()) return deleted.error();
    }
    Outcome<bool> audited =
        AppendAudit(c, ws, {{"", actor.name, "delete", "workspace", json::object()}}, Now());
    return audited.ok() ? OkStatus() : Status(Error::Internal(audited.error().message));
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  Reply reply;
  reply.status = 200;
  reply.body = {{"deleted", ws}};
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Entities

Outcome<Reply> Service::ListEntities(const Actor&, const std::string& ws, const std::string& kind) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  // Reads touch only the rows they return (no snapshot of the whole workspace).
  std::optional<ApiError> failure;
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status status = database_->Read([&](Connection& c) -> Status {
    reply.body["items"] = json::array();
    Result<Rows> workspace = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
    if (!workspace.ok()) return workspace.error();
    if (workspace.value().empty()) {
      failure = ApiError::NotFound("no workspace '" + ws + "'");
      return OkStatus();
    }
    Result<Rows> rows = c.Query(
        "SELECT key, version, body FROM entities WHERE workspace_id = $1 AND kind = $2 ORDER BY "
        "position, key",
        {ws, kind});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Text(0)},
                                     {"version", row.Int(1)},
                                     {"body", json::parse(row.Text(2), nullptr, false)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> Service::GetEntity(const Actor&, const std::string& ws, const std::string& kind,
                                  const std::string& id) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  std::optional<ApiError> failure;
  Reply reply;
  Status status = database_->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT version, body FROM entities WHERE workspace_id = $1 AND kind = $2 AND key = $3",
        {ws, kind, id});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) {
      failure = ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
      return OkStatus();
    }
    const store::Row& row = rows.value().rows[0];
    reply.version = row.Int(0);
    reply.body = {
        {"id", id}, {"version", row.Int(0)}, {"body", json::parse(row.Text(1), nullptr, false)}};
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> Service::PutEntity(const Actor& actor, const std::string& ws,
                                  const std::string& kind, const std::string& id,
                                  const json& body_in, std::optional<int64_t> if_match) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  if (!std::regex_match(id, KeyPattern()))
    return ApiError::Field("id", "'" + id + "' is not a valid id",
                           "letters, digits, . _ -, up to 100");
  if (!body_in.is_object())
    return ApiError::Field("(body)", "must be a JSON object",
                           "the entry as in the scenario format");
  json body = body_in;
  if (KindHasIdField(kind)) {
    if (body.contains("id") && body["id"] != id)
      return ApiError::Field("id", "differs from the id in the path", id);
    body["id"] = id;
  }
  return Write(
      actor, ws,
      kind == "campaigns"      ? "campaign"
      : kind == "capabilities" ? "capability"
      : kind == "resources"    ? "resource"
      : kind == "offerings"    ? "offering"
                               : "model",
      [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!MayEditKind(actor.role, kind, &body) ||
            (existing && !MayEditKind(actor.role, kind, &existing->body))) {
          return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not edit " + kind +
                                     (kind == "resources" ? " of this kind" : ""));
        }
        // Parts owned by another function must stay as they are.
        if (actor.role != Role::kAdmin) {
          if (kind == "campaigns" &&
              PartOf(body, "bookings") !=
                  (existing ? PartOf(existing->body, "bookings") : json(nullptr))) {
            return ApiError::Forbidden(
                "bookings are operations' (PUT .../campaigns/" + id + "/bookings)", "bookings");
          }
          if (kind == "offerings" && actor.role == Role::kMarketing &&
              PartOf(body, "loads") !=
                  (existing ? PartOf(existing->body, "loads") : json(nullptr))) {
            return ApiError::Forbidden(
                "loads are service's and operations' (PUT .../offerings/" + id + "/loads)",
                "loads");
          }
        }
        Reply reply;
        if (existing) {
          Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
          if (!matched.ok()) return matched.error();
          if (kind == "campaigns") {
            auto process = context.snapshot.processes.find(id);
            if (process != context.snapshot.processes.end() &&
                process->second.state == process::ProcessState::kClosed) {
              return ApiError::Conflict("campaign " + id + " is closed", "state");
            }
          }
          context.audit.push_back(
              {kind == "campaigns" ? id : "",
               actor.name,
               "update",
               kind + "/" + id,
               {{"before", existing->body}, {"after", body}, {"version", existing->version + 1}}});
          context.target = kind + "/" + id;
          context.changed_before = existing->body;
          existing->body = body;
          reply.status = 200;
        } else {
          if (if_match)
            return ApiError::PreconditionFailed("no " + kind + " '" + id +
                                                "' matches If-Match (it does not exist; it may "
                                                "have been deleted): create it without If-Match");
          int64_t position = 0;
          for (const Entity& entity : context.snapshot.doc.entities) {
            if (entity.kind == kind) position = std::max(position, entity.position + 1);
          }
          context.snapshot.doc.entities.push_back({kind, id, position, 1, body});
          context.audit.push_back({kind == "campaigns" ? id : "",
                                   actor.name,
                                   "create",
                                   kind + "/" + id,
                                   {{"after", body}}});
          context.target = kind + "/" + id;
          if (kind == "campaigns") {
            context.snapshot.processes[id] =
                ProcessRow{id, process::ProcessState::kDraft, NewProcessData(), 0};
          }
          reply.status = 201;
        }
        reply.version = -1;  // filled in after the write
        reply.body = {{"id", id}, {"version", -1}, {"body", body}};
        return reply;
      });
}

Outcome<Reply> Service::DeleteEntity(const Actor& actor, const std::string& ws,
                                     const std::string& kind, const std::string& id,
                                     std::optional<int64_t> if_match) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  return Write(
      actor, ws,
      kind == "capabilities" ? "capability"
      : kind == "resources"  ? "resource"
                             : "model",
      [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!existing) return ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
        if (!MayEditKind(actor.role, kind, &existing->body)) {
          return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not delete " + kind);
        }
        Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
        if (!matched.ok()) return matched.error();
        if (kind == "campaigns") {
          auto process = context.snapshot.processes.find(id);
          if (process != context.snapshot.processes.end() &&
              process->second.state != process::ProcessState::kDraft) {
            return ApiError::Conflict("campaign " + id + " is " +
                                          process::StateName(process->second.state) +
                                          "; only drafts are deleted",
                                      "state");
          }
          context.snapshot.processes.erase(id);
        }
        context.audit.push_back({kind == "campaigns" ? id : "",
                                 actor.name,
                                 "delete",
                                 kind + "/" + id,
                                 {{"before", existing->body}}});
        context.target = kind + "/" + id;
        context.changed_before = existing->body;
        context.snapshot.doc.entities.erase(context.snapshot.doc.entities.begin() +
                                            (existing - context.snapshot.doc.entities.data()));
        Reply reply;
        reply.body = {{"deleted", kind + "/" + id}};
        return reply;
      });
}

Outcome<Reply> Service::PutPart(const Actor& actor, const std::string& ws, const std::string& kind,
                                const std::string& id, const std::string& part, const json& value,
                                std::optional<int64_t> if_match) {
  const bool bookings = kind == "campaigns" && part == "bookings";
  const bool loads = kind == "offerings" && part == "loads";
  if (!bookings && !loads) return ApiError::NotFound("no part '" + part + "' of " + kind);
  const bool allowed = actor.role == Role::kAdmin || actor.role == Role::kOperations ||
                       (loads && actor.role == Role::kService);
  if (!allowed)
    return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not change " + part, part);
  if (!value.is_array())
    return ApiError::Field(
        part, "must be a list",
        bookings ? "[{resource, extra, from, until}]" : "[{resource, per_unit, lag}]");
  return Write(
      actor, ws, bookings ? "campaign" : "offering", [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!existing) return ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
        Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
        if (!matched.ok()) return matched.error();
        json body = existing->body;
        if (value.empty()) {
          body.erase(part);
        } else {
          body[part] = value;
        }
        context.audit.push_back({kind == "campaigns" ? id : "",
                                 actor.name,
                                 "update",
                                 kind + "/" + id + "/" + part,
                                 {{"before", PartOf(existing->body, part)},
                                  {"after", value},
                                  {"version", existing->version + 1}}});
        context.target = kind + "/" + id + "/" + part;
        context.changed_before = existing->body;
        existing->body = body;
        Reply reply;
        reply.version = -1;
        reply.body = {{"id", id}, {"version", -1}, {"body", body}};
        return reply;
      });
}

// ---------------------------------------------------------------------------------------------
// History files

Outcome<Reply> Service::ListFiles(const Actor&, const std::string& ws) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.body = {{"items", json::array()}};
    for (const auto& [path, content] : snapshot.doc.files) {
      reply.body["items"].push_back({{"path", path},
                                     {"bytes", content.size()},
                                     {"version", snapshot.file_versions.at(path)}});
    }
    return reply;
  });
}

Outcome<Reply> Service::GetFile(const Actor&, const std::string& ws, const std::string& path) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    auto found = snapshot.doc.files.find(path);
    if (found == snapshot.doc.files.end())
      return ApiError::NotFound("no file '" + path + "' in " + ws);
    Reply reply;
    reply.version = snapshot.file_versions.at(path);
    reply.text = found->second;
    reply.content_type = "text/csv; charset=utf-8";
    return reply;
  });
}

Outcome<Reply> Service::PutFile(const Actor& actor, const std::string& ws, const std::string& path,
                                const std::string& text, std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing &&
      actor.role != Role::kOperations) {
    return ApiError::Forbidden("only marketing, operations and admin upload history files");
  }
  if (!ValidFilePath(path))
    return ApiError::Field("path", "'" + path + "' is not a valid file path",
                           "letters, digits, . _ - and /");
  return Write(actor, ws, "offering", [&](WriteContext& context) -> Outcome<Reply> {
    context.kind = "files";
    context.key = path;
    auto existing = context.snapshot.doc.files.find(path);
    Reply reply;
    if (existing != context.snapshot.doc.files.end()) {
      Outcome<int64_t> matched =
          RequireMatch(if_match, context.snapshot.file_versions.at(path), "file " + path);
      if (!matched.ok()) return matched.error();
      reply.version = context.snapshot.file_versions.at(path) + (existing->second == text ? 0 : 1);
    } else {
      if (if_match) {
        return ApiError::PreconditionFailed("no file '" + path +
                                            "' matches If-Match (it does not exist): upload it "
                                            "without If-Match");
      }
      reply.status = 201;
      reply.version = 1;
    }
    context.snapshot.doc.files[path] = text;
    context.target = "files/" + path;
    context.audit.push_back({"",
                             actor.name,
                             reply.status == 201 ? "create" : "update",
                             "files/" + path,
                             {{"bytes", text.size()}, {"sha256", Sha256Hex(text)}}});
    reply.body = {{"path", path}, {"bytes", text.size()}, {"version", *reply.version}};
    return reply;
  });
}

Outcome<Reply> Service::DeleteFile(const Actor& actor, const std::string& ws,
                                   const std::string& path, std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing &&
      actor.role != Role::kOperations) {
    return ApiError::Forbidden("only marketing, operations and admin delete history files");
  }
  return Write(actor, ws, "offering", [&](WriteContext& context) -> Outcome<Reply> {
    context.kind = "files";
    context.key = path;
    if (!context.snapshot.doc.files.count(path))
      return ApiError::NotFound("no file '" + path + "' in " + ws);
    Outcome<int64_t> matched =
        RequireMatch(if_match, context.snapshot.file_versions.at(path), "file " + path);
    if (!matched.ok()) return matched.error();
    context.snapshot.doc.files.erase(path);
    context.target = "files/" + path;
    context.audit.push_back({"", actor.name, "delete", "files/" + path, json::object()});
    Reply reply;
    reply.body = {{"deleted", path}};
    return reply;
  });
}

// ---------------------------------------------------------------------------------------------
// Export and import

Outcome<Reply> Service::Export(const Actor&, const std::string& ws, bool bundle) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    bool any_offering = false;
    for (const Entity& entity : snapshot.doc.entities)
      any_offering = any_offering || entity.kind == "offerings";
    if (!any_offering)
      return ApiError::Conflict("the workspace has no offerings yet; a scenario needs one");
    Result<Scenario> scenario = ParseDocument(snapshot.doc, AssembleScenario(snapshot.doc));
    if (!scenario.ok())
      return ApiError::Internal("stored workspace does not parse: " + scenario.error().ToString());
    const std::string yaml = WriteScenarioYaml(scenario.value());
    Reply reply;
    reply.version = snapshot.revision;
    if (bundle) {
      reply.body = {{"scenario", yaml}, {"files", json::object()}};
      for (const auto& [path, content] : snapshot.doc.files) reply.body["files"][path] = content;
    } else {
      reply.text = yaml;
      reply.content_type = "application/yaml; charset=utf-8";
    }
    return reply;
  });
}

Outcome<Reply> Service::Import(const Actor& actor, const std::string& ws, const std::string& text,
                               const std::map<std::string, std::string>& files,
                               const std::string& display_name) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin imports whole scenarios");
  if (!std::regex_match(ws, KeyPattern()))
    return ApiError::Field("workspace", "not a valid id", "letters, digits, . _ -");
  for (const auto& [path, content] : files) {
    if (!ValidFilePath(path))
      return ApiError::Field("files", "'" + path + "' is not a valid file path", "relative paths");
  }
  // The file must read as a scenario on its own first: errors name its lines.
  const FileLoader loader = [&](const std::string& path) -> Result<std::string> {
    auto found = files.find(path);
    if (found == files.end()) return Error::Io("history file '" + path + "' was not supplied");
    return found->second;
  };
  Result<Scenario> parsed = ParseScenario(text, display_name, loader);
  if (!parsed.ok()) {
    std::vector<FieldError> fields;
    for (const Diagnostic& diagnostic : parsed.error().diagnostics) {
      fields.push_back({diagnostic.key.empty() ? "(scenario)" : diagnostic.key,
                        diagnostic.ToString(), diagnostic.allowed, diagnostic.key});
    }
    if (fields.empty()) fields.push_back({"(scenario)", parsed.error().message, "", ""});
    return ApiError::Invalid("the scenario is not valid", std::move(fields));
  }
  Result<ordered_json> as_json = YamlToJson(text, display_name);
  if (!as_json.ok()) return ApiError::Invalid(as_json.error().ToString());
  Result<Document> split = SplitScenario(as_json.value());
  if (!split.ok()) return ApiError::Invalid(split.error().ToString());
  Document incoming = std::move(split.value());
  for (const Entity& entity : incoming.entities) {
    if (!std::regex_match(entity.key, KeyPattern())) {
      return ApiError::Field(entity.kind, "id '" + entity.key + "' cannot be used in the API",
                             "letters, digits, . _ -");
    }
  }
  // Create the workspace when it does not exist.
  Status created = database_->Transaction([&](Connection& c) -> Status {
    const std::string now = Now();
    Result<Rows> rows = c.Query(
        "INSERT INTO workspaces (id, settings, version, revision, created_at, updated_at) VALUES "
        "($1, $2, 1, 1, $3, $3) "
        "ON CONFLICT (id) DO NOTHING",
        {ws, incoming.settings.dump(), now});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
  if (!created.ok()) return ApiError::Internal(created.error().ToString());
  return Write(actor, ws, "import", [&](WriteContext& context) -> Outcome<Reply> {
    Snapshot& snapshot = context.snapshot;
    std::set<std::string> campaigns;
    for (const Entity& entity : incoming.entities) {
      if (entity.kind == "campaigns") campaigns.insert(entity.key);
    }
    for (const auto& [campaign, process] : snapshot.processes) {
      if (!campaigns.count(campaign) && process.state != process::ProcessState::kDraft) {
        return ApiError::Conflict("campaign " + campaign + " is " +
                                      process::StateName(process.state) + " and would be removed",
                                  "campaigns");
      }
    }
    for (auto it = snapshot.processes.begin(); it != snapshot.processes.end();) {
      it = campaigns.count(it->first) ? std::next(it) : snapshot.processes.erase(it);
    }
    for (const std::string& campaign : campaigns) {
      if (!snapshot.processes.count(campaign))
        snapshot.processes[campaign] =
            ProcessRow{campaign, process::ProcessState::kDraft, NewProcessData(), 0};
    }
    // Keep the versions of unchanged entries; everything else is replaced.
    std::vector<Entity> entities;
    for (Entity entity : incoming.entities) {
      if (const Entity* old = snapshot.Find(entity.kind, entity.key)) entity.version = old->version;
      entities.push_back(std::move(entity));
    }
    snapshot.doc.settings = incoming.settings;
    snapshot.doc.entities = std::move(entities);
    for (const auto& [path, content] : files) snapshot.doc.files[path] = content;
    context.target = "workspace";
    context.audit.push_back({"",
                             actor.name,
                             "import",
                             "workspace",
                             {{"source", display_name},
                              {"sha256", Sha256Hex(text)},
                              {"entities", incoming.entities.size()}}});
    Reply reply;
    json counts = json::object();
    for (const Entity& entity : snapshot.doc.entities)
      counts[entity.kind] = counts.value(entity.kind, 0) + 1;
    reply.body = {{"workspace", ws}, {"imported", counts}, {"files", files.size()}};
    return reply;
  });
}

}  // namespace tandem::server
