// GET /api/workspaces/{ws}/campaigns/{id}/follow-up and the follow-up jobs: `tandem follow-up`
// on the workspace and its stored actuals, cached by its inputs, computed in the background;
// a job raises the drift alerts of the campaigns that are live (docs/follow-up.md).
#include <chrono>

#include "server/actuals_store.h"
#include "tandem/followup/calibrate.h"
#include "tandem/render/followup_output.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using store::Connection;
using store::Rows;
using store::Value;

// A follow-up job's row.
struct FollowUpJobRow {
  std::string ws, campaign, key, status;
  std::optional<WallSeconds> as_of;  // none: the latest time in the actuals
};

// The campaign's entry of a stored follow-up result, with as_of, key and its alerts.
Outcome<Reply> EntryReply(const json& result, const std::string& campaign, const std::string& key) {
  for (const json& entry : result.value("campaigns", json::array())) {
    if (entry.value("id", "") != campaign) continue;
    Reply reply;
    reply.body = entry;
    reply.body["as_of"] = result.value("as_of", "");
    reply.body["key"] = key;
    reply.body["alerts"] = json::array();
    for (const json& alert : result.value("alerts", json::array())) {
      if (alert["campaign"].is_string() && alert["campaign"].get<std::string>() == campaign)
        reply.body["alerts"].push_back(alert);
    }
    return reply;
  }
  return ApiError::NotFound("the follow-up has no campaign '" + campaign + "'");
}

// One drift alert per promise and approval (its feeds: the alert table).
std::vector<AlertDraft> DriftAlerts(const json& result, const FollowUpInputs& inputs,
                                    const std::string& campaign) {
  std::vector<AlertDraft> drafts;
  const auto approved = inputs.approved.find(campaign);
  const std::string basis = approved == inputs.approved.end() ? "plan" : approved->second;
  for (const json& alert : result.value("alerts", json::array())) {
    if (!alert["campaign"].is_string() || alert["campaign"].get<std::string>() != campaign)
      continue;
    const int promise = alert.value("promise", 0);
    drafts.push_back(
        {alert.value("kind", "promise-drifting"),
         alert.value("message", ""),
         {{"promise", promise}, {"as_of", result.value("as_of", "")}},
         "promise-drifting:" + campaign + ":" + std::to_string(promise) + ":" + basis});
  }
  return drafts;
}

// Keeps each campaign's planned against observed lift at the latest as-of seen (a follow-up
// asked for at an earlier as-of does not overwrite a later one).
Status KeepLifts(Connection& c, const std::string& ws, const std::vector<LiftRecord>& lifts,
                 const std::string& as_of, const std::string& now) {
  for (const LiftRecord& lift : lifts) {
    Result<Rows> kept = c.Query(
        "INSERT INTO lift_history (workspace_id, campaign, planned, observed, ratio, "
        "elapsed_days, counted, as_of, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (workspace_id, campaign) DO UPDATE SET planned = excluded.planned, "
        "observed = excluded.observed, ratio = excluded.ratio, elapsed_days = "
        "excluded.elapsed_days, counted = excluded.counted, as_of = excluded.as_of, updated_at = "
        "excluded.updated_at WHERE lift_history.as_of <= excluded.as_of",
        {ws, lift.campaign, lift.planned, lift.observed, lift.ratio ? Value(*lift.ratio) : Value(),
         lift.elapsed_days, lift.calibrated ? 1 : 0, as_of, now});
    if (!kept.ok()) return kept.error();
  }
  return OkStatus();
}

}  // namespace

Outcome<Reply> JobService::GetLiftHistory(const Actor& actor, const std::string& ws) {
  (void)actor;  // every role of the workspace reads it
  std::vector<LiftRecord> records;
  std::vector<std::string> as_of;
  bool found = false;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> workspace = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
    if (!workspace.ok()) return workspace.error();
    found = !workspace.value().empty();
    Result<Rows> rows = c.Query(
        "SELECT campaign, planned, observed, ratio, elapsed_days, counted, as_of FROM "
        "lift_history WHERE workspace_id = $1 ORDER BY as_of, campaign",
        {ws});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      LiftRecord record;
      record.campaign = row.Text(0);
      record.planned = row.Real(1);
      record.observed = row.Real(2);
      if (!row.IsNull(3)) record.ratio = row.Real(3);
      record.elapsed_days = row.Real(4);
      record.calibrated = row.Int(5) != 0;
      records.push_back(record);
      as_of.push_back(row.Text(6));
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (!found) return ApiError::NotFound("no workspace '" + ws + "'");
  const PastLifts past = SummarisePastLifts(records);
  Reply reply;
  reply.body = {{"campaigns", json::array()},
                {"summary",
                 {{"campaigns", past.campaigns},
                  {"median_ratio", past.median_ratio ? json(*past.median_ratio) : json()},
                  {"text", past.text}}}};
  for (size_t i = 0; i < records.size(); ++i) {
    const LiftRecord& record = records[i];
    reply.body["campaigns"].push_back({{"campaign", record.campaign},
                                       {"planned", record.planned},
                                       {"observed", record.observed},
                                       {"ratio", record.ratio ? json(*record.ratio) : json()},
                                       {"elapsed_days", record.elapsed_days},
                                       {"counted", record.calibrated},
                                       {"as_of", as_of[i]}});
  }
  return reply;
}

Outcome<Reply> JobService::GetFollowUp(const Actor& actor, const std::string& ws,
                                       const FollowUpQuery& query) {
  std::optional<WallSeconds> as_of;
  if (query.as_of) {
    as_of = ParseWallSeconds(*query.as_of);
    if (!as_of) {
      return ApiError::Field("as_of", "'" + *query.as_of + "' is not a time",
                             "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS");
    }
  }
  std::optional<Outcome<Reply>> outcome;
  std::string key;
  WallSeconds resolved = 0;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Outcome<FollowUpInputs> inputs = LoadFollowUpInputs(c, ws, as_of, core_.CheckTag());
    if (!inputs.ok()) {
      outcome = inputs.error();
      return OkStatus();
    }
    if (!inputs.value().scenario.FindCampaign(query.campaign)) {
      outcome = ApiError::NotFound("no campaign '" + query.campaign + "' in " + ws);
      return OkStatus();
    }
    key = inputs.value().key;
    resolved = inputs.value().as_of;
    Outcome<std::optional<json>> stored = LoadResult(c, key);
    if (!stored.ok()) return Error::Internal(stored.error().message);
    if (stored.value()) {
      outcome = EntryReply(*stored.value(), query.campaign, key);
      return OkStatus();
    }
    Result<Rows> job = c.Query(
        "SELECT id, status, error FROM jobs WHERE key = $1 AND kind = 'followup' ORDER BY id "
        "DESC LIMIT 1",
        {key});
    if (!job.ok()) return job.error();
    if (job.value().empty()) return OkStatus();
    const store::Row& row = job.value().rows[0];
    if (row.Text(1) == "failed") {
      outcome = ApiError::Invalid("the follow-up cannot be computed: " + row.Text(2));
    } else if (row.Text(1) == "queued" || row.Text(1) == "running") {
      Reply reply;
      reply.status = 202;
      reply.body = {{"job", row.Int(0)}, {"status", row.Text(1)}, {"key", key}};
      outcome = std::move(reply);
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (outcome) return std::move(*outcome);
  QueuedFollowUp queued;
  Status written = core_.database->Transaction([&](Connection& c) -> Status {
    Outcome<QueuedFollowUp> job =
        QueueFollowUpJob(c, ws, query.campaign, key, FormatWallSeconds(resolved), "request",
                         actor.name, core_.Now());
    if (!job.ok()) return Error::Internal(job.error().message);
    queued = job.value();
    return OkStatus();
  });
  if (!written.ok()) return ApiError::Internal(written.error().ToString());
  if (queued.created) Submit(queued.job, "followup");
  Reply reply;
  reply.status = 202;
  reply.body = {{"job", queued.job}, {"status", "queued"}, {"key", key}};
  return reply;
}

void JobService::RunFollowUpJob(int64_t job, const JobRunner::ProgressFn& progress) {
  FollowUpJobRow row;
  std::optional<Outcome<FollowUpInputs>> inputs;
  bool cached = false;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT workspace_id, campaign, key, status, params FROM jobs WHERE id = $1", {job});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    const store::Row& found = rows.value().rows[0];
    row = {found.Text(0), found.Text(1), found.Text(2), found.Text(3), std::nullopt};
    if (row.status != "queued") return OkStatus();
    const json params = json::parse(found.Text(4), nullptr, false);
    if (params.is_object() && !params.value("as_of", "").empty())
      row.as_of = ParseWallSeconds(params.value("as_of", ""));
    inputs = LoadFollowUpInputs(c, row.ws, row.as_of, core_.CheckTag());
    if (!inputs->ok()) return OkStatus();
    Result<Rows> result = c.Query("SELECT 1 FROM results WHERE key = $1", {inputs->value().key});
    if (!result.ok()) return result.error();
    cached = !result.value().empty();
    return OkStatus();
  });
  if (!read.ok() || row.status != "queued" || !inputs) return;
  const auto finish = [&](const std::string& status, const std::string& error) {
    (void)core_.database->Transaction([&](Connection& c) -> Status {
      Result<bool> ended = EndJob(c, job, core_.replica, status, error, core_.Now());
      return ended.ok() ? OkStatus() : Status(ended.error());
    });
  };
  if (!inputs->ok()) {
    finish("failed", inputs->error().message);
    return;
  }
  const FollowUpInputs& in = inputs->value();
  const bool latest = !row.as_of;
  if (!latest && in.key != row.key) {
    finish("superseded", "");
    return;
  }
  std::string body;
  double seconds = 0;
  std::vector<LiftRecord> lifts;
  if (!cached) {
    MarkJobRunning(*core_.database, job);
    FollowUpOptions options;
    options.as_of = in.as_of;
    options.scenarios = core_.options.check_scenarios;
    options.threads = core_.options.check_threads;
    options.signed_off = in.signed_off;
    options.progress = progress;
    const auto started = std::chrono::steady_clock::now();
    Result<FollowUpResult> result = RunFollowUp(in.scenario, in.actuals, options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!result.ok()) {
      finish("failed", JobErrorText(result.error()));
      return;
    }
    ++core_.metrics.followups_run;
    body = FollowUpResultToJson(result.value(), nullptr);
    lifts = LiftRecordsOf(result.value());
  }
  Status completed = core_.database->Transaction([&](Connection& c) -> Status {
    const std::string now = core_.Now();
    if (!cached) {
      Result<Rows> stored = c.Query(
          "INSERT INTO results (key, kind, verdict, body, seconds, created_at) VALUES ($1, "
          "'followup', NULL, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
          {in.key, body, seconds, now});
      if (!stored.ok()) return stored.error();
      Status kept = KeepLifts(c, row.ws, lifts, FormatWallSeconds(in.as_of), now);
      if (!kept.ok()) return kept;
    }
    Outcome<std::optional<json>> result = LoadResult(c, in.key);
    if (!result.ok() || !result.value()) return Error::Internal("the follow-up result vanished");
    Result<bool> done = EndJob(c, job, core_.replica, "done", "", now);
    if (!done.ok()) return done.error();
    if (!done.value())
      return Error::Internal("job " + std::to_string(job) + " was claimed by another server");
    for (const std::string& campaign : in.live) {
      Outcome<bool> alerted =
          AppendAlerts(c, row.ws, campaign, DriftAlerts(*result.value(), in, campaign), now);
      if (!alerted.ok()) return Error::Internal(alerted.error().message);
    }
    return OkStatus();
  });
  if (!completed.ok()) finish("failed", completed.error().ToString());
}

}  // namespace tandem::server
