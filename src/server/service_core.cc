// The machinery the services share (service_core.h): clock, snapshots and the write pipeline.
#include "server/service_core.h"

#include <ctime>

#include "tandem/process/alerts.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

ServiceCore::ServiceCore(ServiceOptions options_in)
    : options(std::move(options_in)), replica(NewReplicaId()) {
  if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };
}

std::string ServiceCore::Now() const {
  return TimeText(options.clock());
}

Outcome<std::string> ServiceCore::TokenExpiry(std::optional<int> token_days) const {
  if (token_days && (*token_days < 1 || *token_days > 3650))
    return ApiError::Field("days", "out of range", "1 to 3650 days");
  const auto lifetime = token_days ? std::chrono::hours(24 * *token_days) : options.token_lifetime;
  return TimeText(options.clock() + lifetime);
}

std::string ServiceCore::TimeText(std::chrono::system_clock::time_point now) const {
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

size_t ServiceCore::PendingJobs() const {
  return (runner ? runner->Pending() : 0) + (recommend_runner ? recommend_runner->Pending() : 0);
}

std::string ServiceCore::CheckTag() const {
  return "tandem-check/1;scenarios=" +
         (options.check_scenarios ? std::to_string(*options.check_scenarios) : "file") +
         ";series=1";
}

// If-Match (service_core.h).
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

// ---------------------------------------------------------------------------------------------
// Snapshots and the write pipeline

Outcome<Snapshot> LoadSnapshot(Connection& c, const std::string& ws) {
  Snapshot snapshot;
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
    snapshot.doc.entities.push_back({.kind = row.Text(0),
                                     .key = row.Text(1),
                                     .position = row.Int(2),
                                     .version = row.Int(3),
                                     .body = json::parse(row.Text(4), nullptr, false)});
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

Entity* Snapshot::Find(const std::string& kind, const std::string& key) {
  for (Entity& entity : doc.entities) {
    if (entity.kind == kind && entity.key == key) return &entity;
  }
  return nullptr;
}

const Entity* Snapshot::Find(const std::string& kind, const std::string& key) const {
  for (const Entity& entity : doc.entities) {
    if (entity.kind == kind && entity.key == key) return &entity;
  }
  return nullptr;
}

namespace {

// Writes what changed between `before` and `after`. A row whose version moved since it was
// read means a concurrent writer got there first: a conflict (cannot happen while the
// workspace row is locked, kept as a second line of defence).
Outcome<bool> Persist(Connection& c, const Snapshot& before, const Snapshot& after,
                      const std::string& actor, const std::string& now) {
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

Outcome<bool> ApiTransaction(store::Database& database,
                             const std::function<Status(Connection&, const AbortWith&)>& body) {
  std::optional<ApiError> failure;
  const AbortWith abort = [&](ApiError error) -> Status {
    failure = std::move(error);
    return Error::InvalidInput("aborted");
  };
  Status status = database.Transaction([&](Connection& c) -> Status {
    failure.reset();
    return body(c, abort);
  });
  if (failure) return *failure;
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return true;
}

Outcome<Reply> ServiceCore::Write(const Actor& actor, const std::string& ws,
                                  const std::string& cause, const WriteFn& fn) {
  Reply reply;
  std::vector<int64_t> jobs;
  std::vector<int64_t> recommend_jobs;
  Outcome<bool> written =
      ApiTransaction(*database, [&](Connection& c, const AbortWith& abort) -> Status {
        jobs.clear();
        recommend_jobs.clear();
        // Lock the workspace first: writers to one workspace go one at a time.
        Result<Rows> locked =
            c.Query("UPDATE workspaces SET revision = revision + 1 WHERE id = $1", {ws});
        if (!locked.ok()) return locked.error();
        if (locked.value().affected != 1)
          return abort(ApiError::NotFound("no workspace '" + ws + "'"));
        Outcome<Snapshot> loaded = LoadSnapshot(c, ws);
        if (!loaded.ok()) return abort(loaded.error());
        const Snapshot before = loaded.value();
        WriteContext context{.actor = actor,
                             .snapshot = std::move(loaded.value()),
                             .cause = cause,
                             .now = Now(),
                             .check_tag = CheckTag(),
                             .connection = &c};
        Outcome<Reply> changed = fn(context);
        if (!changed.ok()) return abort(changed.error());
        reply = std::move(changed.value());
        // The whole workspace must still be a valid scenario.
        const ordered_json assembled = AssembleScenario(context.snapshot.doc);
        Result<Scenario> scenario = ParseDocument(context.snapshot.doc, assembled);
        if (!scenario.ok()) {
          const Error& error = scenario.error();
          if (error.code == ErrorCode::kInternal)
            return abort(ApiError::Internal(error.ToString()));
          std::vector<FieldError> fields = DiagnosticsToFields(
              error.diagnostics, context.snapshot.doc, context.kind, context.key);
          if (fields.empty())
            fields.push_back(
                {.field = "(body)", .problem = error.message, .allowed = "", .path = ""});
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
  if (!written.ok()) {
    if (written.error().status == 409) ++metrics.conflicts;
    return written.error();
  }
  ++metrics.writes;
  for (int64_t job : jobs) submit_job(job, "check");
  for (int64_t job : recommend_jobs) submit_job(job, "recommend");
  return reply;
}

Outcome<Reply> ServiceCore::ReadWorkspace(
    const std::string& ws, const std::function<Outcome<Reply>(const Snapshot&)>& fn) {
  return ReadWorkspace(ws, [&](Connection&, const Snapshot& snapshot) { return fn(snapshot); });
}

Outcome<Reply> ServiceCore::ReadWorkspace(
    const std::string& ws, const std::function<Outcome<Reply>(Connection&, const Snapshot&)>& fn) {
  std::optional<Outcome<Reply>> result;
  Status status = database->Read([&](Connection& c) -> Status {
    Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
    if (!snapshot.ok()) {
      result = snapshot.error();
      return OkStatus();
    }
    result = fn(c, snapshot.value());
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return std::move(*result);
}

}  // namespace tandem::server
