#include "server/actuals_store.h"

#include <algorithm>

#include "server/crypto.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using store::Connection;
using store::Rows;
using store::Value;

constexpr size_t kBatch = 200;  // rows per INSERT statement (3 parameters each)

const ActualsFile kFiles[] = {ActualsFile::kOrders, ActualsFile::kTickets, ActualsFile::kSpend};

std::string UpsertSql(size_t rows) {
  std::string sql =
      "INSERT INTO actuals (workspace_id, kind, updated_at, key, position, line) VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    const size_t p = 4 + 3 * i;
    sql += (i > 0 ? ", " : "") + std::string("($1, $2, $3, $") + std::to_string(p) + ", $" +
           std::to_string(p + 1) + ", $" + std::to_string(p + 2) + ")";
  }
  sql +=
      " ON CONFLICT (workspace_id, kind, key) DO UPDATE SET line = excluded.line, updated_at = "
      "excluded.updated_at WHERE actuals.line <> excluded.line";
  return sql;
}

// The promise statuses each approved campaign was signed off on (its approved check result).
Outcome<std::vector<SignedOffStatus>> SignedOff(
    Connection& c, const std::map<std::string, ProcessRow>& processes) {
  std::vector<SignedOffStatus> out;
  for (const auto& [campaign, process] : processes) {
    const json& approved = process.data["approved"];
    if (!approved.is_object() || !approved["check"].is_string()) continue;
    Outcome<std::optional<json>> result = LoadResult(c, approved["check"].get<std::string>());
    if (!result.ok()) return result.error();
    if (!result.value()) continue;
    const std::optional<CheckSummary> summary = SummaryFor(*result.value(), campaign);
    if (!summary || !summary->campaign["promises"].is_array()) continue;
    int index = 0;
    for (const json& promise : summary->campaign["promises"]) {
      const std::string status = promise.value("status", "");
      for (PromiseStatus known :
           {PromiseStatus::kKept, PromiseStatus::kAtRisk, PromiseStatus::kBroken}) {
        if (status == StatusName(known)) out.push_back({campaign, index, known});
      }
      ++index;
    }
  }
  return out;
}

}  // namespace

std::optional<ActualsFile> ActualsFileFromName(const std::string& name) {
  for (ActualsFile file : kFiles) {
    if (name == ActualsFileKey(file)) return file;
  }
  return std::nullopt;
}

std::string ActualsFileKey(ActualsFile file) {
  const std::string name = ActualsFileName(file);
  return name.substr(0, name.size() - 4);  // without ".csv"
}

Outcome<int64_t> UpsertActuals(Connection& c, const std::string& ws, ActualsFile file,
                               const std::vector<ActualsRow>& rows, const std::string& now) {
  const std::string kind = ActualsFileKey(file);
  Result<int64_t> last = store::QueryInt(
      c, "SELECT COALESCE(MAX(position), 0) FROM actuals WHERE workspace_id = $1 AND kind = $2",
      {ws, kind});
  if (!last.ok()) return ApiError::Internal(last.error().ToString());
  int64_t changed = 0;
  const std::string full_batch = UpsertSql(kBatch);
  std::vector<Value> params;
  for (size_t from = 0; from < rows.size(); from += kBatch) {
    const size_t count = std::min(kBatch, rows.size() - from);
    params.assign({Value(ws), Value(kind), Value(now)});
    for (size_t i = from; i < from + count; ++i) {
      params.emplace_back(rows[i].key);
      params.emplace_back(last.value() + static_cast<int64_t>(i) + 1);
      params.emplace_back(rows[i].csv);
    }
    Result<Rows> done = c.Query(count == kBatch ? full_batch : UpsertSql(count), params);
    if (!done.ok()) return ApiError::Internal(done.error().ToString());
    changed += done.value().affected;
  }
  return changed;
}

Outcome<StoredActuals> LoadStoredActuals(Connection& c, const std::string& ws) {
  StoredActuals out;
  for (ActualsFile file : kFiles) {
    Result<Rows> rows =
        c.Query("SELECT line FROM actuals WHERE workspace_id = $1 AND kind = $2 ORDER BY position",
                {ws, ActualsFileKey(file)});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
    if (rows.value().empty()) continue;
    std::string text;
    const std::vector<std::string> columns = ActualsColumns(file);
    for (size_t k = 0; k < columns.size(); ++k) text += (k > 0 ? "," : "") + columns[k];
    text += '\n';
    for (const store::Row& row : rows.value().rows) {
      text += row.Text(0);
      text += '\n';
    }
    out.Of(file) = std::move(text);
  }
  return out;
}

Outcome<QueuedFollowUp> QueueFollowUpJob(Connection& c, const std::string& ws,
                                         const std::string& campaign, const std::string& key,
                                         const std::string& as_of, const std::string& cause,
                                         const std::string& actor, const std::string& now) {
  // A job for the latest actuals reads them when it starts: one still queued will do, one
  // running may have read them before this upload. A job for a key answers that key either way.
  const bool latest = as_of.empty();
  Result<Rows> existing = c.Query(
      latest ? "SELECT id FROM jobs WHERE key = $1 AND kind = 'followup' AND status = 'queued' "
               "ORDER BY id LIMIT 1"
             : "SELECT id FROM jobs WHERE key = $1 AND kind = 'followup' AND status IN ('queued', "
               "'running') ORDER BY id LIMIT 1",
      {key});
  if (!existing.ok()) return ApiError::Internal(existing.error().ToString());
  if (!existing.value().empty()) return QueuedFollowUp{existing.value().rows[0].Int(0), false};
  Outcome<int64_t> job = InsertJob(c, {.ws = ws,
                                       .campaign = campaign,
                                       .kind = "followup",
                                       .key = key,
                                       .cause = cause,
                                       .actor = actor,
                                       .now = now});
  if (!job.ok()) return job.error();
  Result<Rows> params = c.Query("UPDATE jobs SET params = $1 WHERE id = $2",
                                {json{{"as_of", as_of}}.dump(), job.value()});
  if (!params.ok()) return ApiError::Internal(params.error().ToString());
  return QueuedFollowUp{job.value(), true};
}

ApiError ActualsError(const Error& error, const std::string& message) {
  std::vector<FieldError> fields;
  for (const Diagnostic& diagnostic : error.diagnostics) {
    const std::string where = diagnostic.file + ":" + std::to_string(diagnostic.line);
    fields.push_back({.field = where + (diagnostic.key.empty() ? "" : ": " + diagnostic.key),
                      .problem = diagnostic.problem,
                      .allowed = diagnostic.allowed,
                      .path = ""});
  }
  if (fields.empty())
    fields.push_back({.field = "(body)", .problem = error.message, .allowed = "", .path = ""});
  return ApiError::Invalid(message, std::move(fields));
}

Outcome<FollowUpInputs> LoadFollowUpInputs(Connection& c, const std::string& ws,
                                           std::optional<WallSeconds> as_of,
                                           const std::string& check_tag) {
  Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
  if (!snapshot.ok()) return snapshot.error();
  Result<Scenario> scenario = ParseSnapshot(snapshot.value());
  if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
  Outcome<StoredActuals> stored = LoadStoredActuals(c, ws);
  if (!stored.ok()) return stored.error();
  FollowUpInputs inputs;
  inputs.scenario = std::move(scenario.value());
  // v2: the result gained the backlog on the binding resource (stored v1 results lack it).
  std::string digest = "tandem-follow-up-v2\n" + check_tag + "\n" +
                       CheckKeyFor(inputs.scenario, snapshot.value().doc, check_tag) + "\n";
  for (ActualsFile file : kFiles) {
    const std::optional<std::string>& text = stored.value().Of(file);
    digest += ActualsFileKey(file) + ":" + (text ? Sha256Hex(*text) : "none") + "\n";
    if (!text) continue;
    Status parsed =
        ParseActualsCsv(file, *text, ActualsFileName(file), inputs.scenario, &inputs.actuals);
    if (!parsed.ok()) {
      return ActualsError(parsed.error(),
                          "the stored actuals no longer fit the workspace's scenario");
    }
  }
  std::optional<WallSeconds> resolved = as_of ? as_of : inputs.actuals.Latest();
  if (!resolved) {
    return ApiError::Conflict("no actuals uploaded yet (PUT .../actuals/orders) and no as_of");
  }
  inputs.as_of = *resolved;
  Outcome<std::vector<SignedOffStatus>> signed_off = SignedOff(c, snapshot.value().processes);
  if (!signed_off.ok()) return signed_off.error();
  inputs.signed_off = std::move(signed_off.value());
  digest += "as_of:" + FormatWallSeconds(inputs.as_of) + "\n";
  for (const SignedOffStatus& status : inputs.signed_off) {
    digest += "signed:" + status.campaign + ":" + std::to_string(status.promise) + ":" +
              StatusName(status.status) + "\n";
  }
  for (const auto& [campaign, process] : snapshot.value().processes) {
    const json& approved = process.data["approved"];
    if (approved.is_object() && approved["check"].is_string())
      inputs.approved[campaign] = approved["check"].get<std::string>();
    if (process.state == process::ProcessState::kLive ||
        process.state == process::ProcessState::kFollowUp) {
      inputs.live.push_back(campaign);
    }
  }
  inputs.key = Sha256Hex(digest);
  return inputs;
}

}  // namespace tandem::server
