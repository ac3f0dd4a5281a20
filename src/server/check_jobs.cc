// Check jobs (job_service.h): requesting a campaign's check, reading it and any job, handing
// job rows to the runners, and running a check.
#include <algorithm>
#include <chrono>
#include <set>

#include "server/service_core.h"
#include "tandem/engine/check.h"
#include "tandem/io/check_delta.h"
#include "tandem/render/check_output.h"
#include "tandem/server/job_service.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

using process::ProcessState;

std::string JsonText(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

// What changed since the campaign's previous check (check_delta.h): null when there was none
// (or its result is gone), else the delta with the previous check's key.
Outcome<json> SincePreviousCheck(Connection& c, const json& check, const std::string& campaign,
                                 const json& current) {
  const std::string previous = JsonText(check.value("previous_key", json(nullptr)));
  if (previous.empty() || previous == check.value("key", "")) return json(nullptr);
  Outcome<std::optional<json>> old = LoadResult(c, previous);
  if (!old.ok()) return old.error();
  if (!old.value()) return json(nullptr);
  const std::optional<CheckSummary> old_summary = SummaryFor(*old.value(), campaign);
  if (!old_summary) return json(nullptr);
  Outcome<json> inputs_before = LoadInputs(c, previous);
  if (!inputs_before.ok()) return inputs_before.error();
  Outcome<json> inputs_after = LoadInputs(c, check.value("key", ""));
  if (!inputs_after.ok()) return inputs_after.error();
  json delta =
      CheckDelta(inputs_before.value(), inputs_after.value(), old_summary->campaign, current);
  delta["previous_key"] = previous;
  return delta;
}

}  // namespace

Outcome<Reply> JobService::RequestCheck(const Actor& actor, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  // Unchanged content with a check queued, running or done: answered from a read, no write.
  Outcome<Reply> unchanged =
      core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
        Outcome<const ProcessRow*> process = FindProcess(snapshot, ws, campaign);
        if (!process.ok()) return process.error();
        const json& check = process.value()->data["check"];
        if (!check.is_object() || check.value("status", "") == "failed")
          return ApiError{0, "", "", {}};
        Result<Scenario> scenario = ParseSnapshot(snapshot);
        if (!scenario.ok() || !scenario.value().FindCampaign(campaign))
          return ApiError{0, "", "", {}};
        const CampaignScenario wanted = ScenarioForCampaign(
            scenario.value(), snapshot.doc, snapshot.processes, campaign, core_.CheckTag());
        if (check.value("key", "") != wanted.key) return ApiError{0, "", "", {}};
        Reply reply;
        reply.status = check.value("status", "") == "done" ? 200 : 202;
        reply.body = {{"campaign", campaign}, {"check", check}};
        return reply;
      });
  if (unchanged.ok() || unchanged.error().status != 0) return unchanged;
  return core_.Write(actor, ws, "manual", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<CampaignToCheck> found = FindCampaignToCheck(context, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value().process;
    const CampaignScenario& check = found.value().check;
    Reply reply;
    const json& current = process.data["check"];
    if (current.is_object() && current.value("key", "") == check.key &&
        current.value("status", "") != "failed") {
      reply.status = current.value("status", "") == "done" ? 200 : 202;
    } else {
      std::vector<int64_t> jobs;
      Outcome<bool> queued = QueueCheck(*context.connection, context, process, check.key, &jobs);
      if (!queued.ok()) return queued.error();
      context.queued_jobs.insert(context.queued_jobs.end(), jobs.begin(), jobs.end());
      context.audit.push_back({.campaign = campaign,
                               .actor = actor.name,
                               .action = "check-requested",
                               .target = "check",
                               .detail = {{"key", check.key}}});
      reply.status = 202;
    }
    reply.body = {{"campaign", campaign}, {"check", process.data["check"]}};
    return reply;
  });
}

Outcome<Reply> JobService::GetCheck(const Actor&, const CampaignRef& ref, bool with_result) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  std::optional<Outcome<Reply>> outcome;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT data FROM processes WHERE workspace_id = $1 AND campaign = $2", {ws, campaign});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) {
      outcome = ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
      return OkStatus();
    }
    const json data = json::parse(rows.value().rows[0].Text(0), nullptr, false);
    const json& check = data["check"];
    if (!check.is_object()) {
      outcome =
          ApiError::NotFound("campaign " + campaign + " has not been checked yet (POST .../check)");
      return OkStatus();
    }
    Reply reply;
    reply.body = check;
    if (core_.runner && check.contains("job")) {
      if (std::optional<JobRunner::Progress> progress =
              core_.runner->Get(check["job"].get<int64_t>())) {
        reply.body["progress"] = {
            {"done", progress->done}, {"total", progress->total}, {"running", progress->running}};
      }
    }
    if (with_result && check.value("status", "") == "done") {
      Outcome<std::optional<json>> stored = LoadResult(c, check["key"].get<std::string>());
      if (!stored.ok()) {
        outcome = stored.error();
        return OkStatus();
      }
      if (stored.value()) {
        const json& result = *stored.value();
        std::optional<CheckSummary> summary = SummaryFor(result, campaign);
        reply.body["result"] = summary ? summary->campaign : json(nullptr);
        for (const char* key :
             {"scenarios", "seed", "confidence", "currency", "messaging", "resources"}) {
          if (result.contains(key)) reply.body[key] = result[key];
        }
        if (summary) {
          Outcome<json> delta = SincePreviousCheck(c, check, campaign, summary->campaign);
          if (!delta.ok()) {
            outcome = delta.error();
            return OkStatus();
          }
          reply.body["since_previous"] = std::move(delta.value());
        }
      }
    }
    outcome = std::move(reply);
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return std::move(*outcome);
}

Outcome<Reply> JobService::GetJob(const Actor&, int64_t job) {
  Reply reply;
  bool found = false;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT workspace_id, campaign, kind, key, cause, status, error, created_by, created_at, "
        "finished_at FROM jobs "
        "WHERE id = $1",
        {job});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    found = true;
    const store::Row& row = rows.value().rows[0];
    reply.body = {{"id", job},
                  {"workspace", row.Text(0)},
                  {"campaign", row.Text(1)},
                  {"kind", row.Text(2)},
                  {"key", row.Text(3)},
                  {"cause", row.Text(4)},
                  {"status", row.Text(5)},
                  {"error", row.IsNull(6) ? json(nullptr) : json(row.Text(6))},
                  {"created_by", row.Text(7)},
                  {"created_at", row.Text(8)},
                  {"finished_at", row.IsNull(9) ? json(nullptr) : json(row.Text(9))}};
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (!found) return ApiError::NotFound("no job " + std::to_string(job));
  for (JobRunner* runner : {core_.runner.get(), core_.recommend_runner.get()}) {
    if (!runner) continue;
    if (std::optional<JobRunner::Progress> progress = runner->Get(job)) {
      reply.body["progress"] = {
          {"done", progress->done}, {"total", progress->total}, {"running", progress->running}};
      if (!progress->stage.empty()) reply.body["progress"]["stage"] = progress->stage;
    }
  }
  return reply;
}

void JobService::Submit(int64_t, const std::string&) {
  if (core_.claimer) core_.claimer->Wake();
}

void JobService::Launch(int64_t job, const std::string& kind) {
  if (kind == "followup") {
    if (!core_.runner) return;
    core_.runner->Submit(
        job, [this, job](const JobRunner::ProgressFn& progress) { RunFollowUpJob(job, progress); });
    return;
  }
  if (kind == "recommend") {
    if (!core_.recommend_runner) return;
    core_.recommend_runner->Submit(job, [this, job](const JobRunner::ProgressFn& progress) {
      RunRecommendJob(job, progress);
    });
    return;
  }
  if (!core_.runner) return;
  core_.runner->Submit(
      job, [this, job](const JobRunner::ProgressFn& progress) { RunCheckJob(job, progress); });
}

Outcome<QueuedJob> ReadQueuedJob(store::Database& database, int64_t job,
                                 const std::string& check_tag) {
  QueuedJob out;
  Status read = database.Read([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("SELECT workspace_id, campaign, key, status FROM jobs WHERE id = $1", {job});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    const store::Row& row = rows.value().rows[0];
    out.ws = row.Text(0);
    out.campaign = row.Text(1);
    out.key = row.Text(2);
    out.status = row.Text(3);
    if (out.status != "queued") return OkStatus();
    Outcome<Snapshot> snapshot = LoadSnapshot(c, out.ws);
    if (!snapshot.ok()) return OkStatus();
    Result<Scenario> scenario = ParseSnapshot(snapshot.value());
    if (!scenario.ok() || !scenario.value().FindCampaign(out.campaign)) return OkStatus();
    out.check = ScenarioForCampaign(scenario.value(), snapshot.value().doc,
                                    snapshot.value().processes, out.campaign, check_tag);
    out.document = snapshot.value().doc;
    Result<Rows> result = c.Query("SELECT 1 FROM results WHERE key = $1", {out.key});
    if (!result.ok()) return result.error();
    out.cached = !result.value().empty();
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  return out;
}

void MarkJobRunning(store::Database& database, int64_t job) {
  (void)database.Transaction([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("UPDATE jobs SET status = 'running' WHERE id = $1 AND status = 'queued'", {job});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
}

namespace {

// Ends check job `job` with `final_status` ("superseded", "failed"); a failed check marks every
// process of the workspace waiting on its key failed too (best effort: a later write re-checks).
void FinishCheckJob(ServiceCore& core, int64_t job, const std::string& ws, const std::string& key,
                    const std::string& final_status, const std::string& error) {
  (void)core.database->Transaction([&](Connection& c) -> Status {
    Result<bool> ended = EndJob(c, job, core.replica, final_status, error, core.Now());
    if (!ended.ok()) return ended.error();
    // Another server claimed it since (this one was thought dead): the outcome is theirs.
    if (!ended.value() || final_status != "failed") return OkStatus();
    Result<Rows> processes =
        c.Query("SELECT campaign, data, version FROM processes WHERE workspace_id = $1", {ws});
    if (!processes.ok()) return processes.error();
    for (const store::Row& row : processes.value().rows) {
      json data = json::parse(row.Text(1), nullptr, false);
      if (!data["check"].is_object() || data["check"].value("key", "") != key) continue;
      data["check"]["status"] = "failed";
      data["check"]["error"] = error;
      Result<Rows> updated = c.Query(
          "UPDATE processes SET data = $1, version = version + 1 WHERE workspace_id = $2 AND "
          "campaign = $3 AND version = $4",
          {data.dump(), ws, row.Text(0), row.Int(2)});
      if (!updated.ok()) return updated.error();
    }
    return OkStatus();
  });
}

// What the campaign's previous check said (for the alerts): the campaign's entry of the result
// at `previous_key`, else the verdict it was approved on; nullopt when neither is there.
std::optional<json> PreviousOutcome(Connection& c, const json& data, const std::string& campaign) {
  std::optional<json> before;
  const std::string previous = JsonText(data["check"].value("previous_key", json(nullptr)));
  if (!previous.empty()) {
    Outcome<std::optional<json>> old = LoadResult(c, previous);
    if (old.ok() && old.value()) {
      if (std::optional<CheckSummary> old_summary = SummaryFor(*old.value(), campaign))
        before = old_summary->campaign;
    }
  }
  if (!before && data["approved"].is_object())
    before = json{{"verdict", data["approved"].value("verdict", "go")}};
  return before;
}

// A finished check, seen by one process waiting on it.
struct CheckCompletion {
  std::string ws;
  std::string key;
  bool cached = false;
  const json* result = nullptr;  // the stored check JSON
  std::string now;
  std::vector<int64_t>* recommend_jobs = nullptr;  // counter-proposal jobs it queues
};

// Completes process `row` (campaign, state, data, version) when it waits on the check: records
// the verdict, withdraws sign-offs given on another verdict (an approved campaign returns to
// transfer), queues counter-proposals in transfer, raises the alerts and stores it all.
Status CompleteProcess(Connection& c, const CheckCompletion& done, const store::Row& row) {
  const std::string& id = row.Text(0);
  ProcessState state = process::ParseState(row.Text(1)).value_or(ProcessState::kDraft);
  json data = json::parse(row.Text(2), nullptr, false);
  if (!data["check"].is_object() || data["check"].value("key", "") != done.key) return OkStatus();
  if (data["check"].value("status", "") == "done") return OkStatus();
  const std::optional<CheckSummary> summary = SummaryFor(*done.result, id);
  if (!summary) return OkStatus();
  std::vector<AuditDraft> audit;
  data["check"]["status"] = "done";
  data["check"]["verdict"] = summary->verdict;
  data["check"]["finished_at"] = done.now;
  audit.push_back(
      {.campaign = id,
       .actor = "tandem",
       .action = "check-done",
       .target = "check",
       .detail = {{"key", done.key}, {"verdict", summary->verdict}, {"cached", done.cached}}});
  const std::optional<json> before = PreviousOutcome(c, data, id);
  // Sign-offs were given on a verdict; a different verdict withdraws them.
  bool withdrawn = false;
  for (Role role : Functions()) {
    const char* name = RoleName(role);
    if (!data["signoffs"].contains(name)) continue;
    if (data["signoffs"][name].value("verdict", "") == summary->verdict) continue;
    data["signoffs"].erase(name);
    withdrawn = true;
    audit.push_back(
        {.campaign = id,
         .actor = "tandem",
         .action = "withdraw-signoff",
         .target = name,
         .detail = {{"reason", "the verdict changed to " + summary->verdict}, {"key", done.key}}});
  }
  if (withdrawn && state == ProcessState::kApproved) {
    state = ProcessState::kTransfer;
    data["override"] = nullptr;
    data["approved"] = nullptr;
    data["handover"] = nullptr;
    audit.push_back({.campaign = id,
                     .actor = "tandem",
                     .action = "return-to-transfer",
                     .target = "state",
                     .detail = {{"reason", "the verdict changed"}}});
  }
  if (state == ProcessState::kTransfer) {
    Outcome<bool> recommend = QueueRecommendAfterCheck(
        c, done.ws, id, data, done.key, summary->verdict, done.now, done.recommend_jobs, &audit);
    if (!recommend.ok()) return Error::Internal(recommend.error().message);
  }
  const std::string cause = data["check"].value("cause", "manual");
  const ProcessState state_for_alerts =
      process::ParseState(data["check"].value("state_at_change", row.Text(1))).value_or(state);
  std::vector<AlertDraft> alerts =
      AlertsForResult(id, state_for_alerts, cause, Campaign{}, summary->campaign,
                      before ? &*before : nullptr, done.key);
  std::vector<AlertDraft> endangered =
      CommitmentAlerts(id, state_for_alerts, data["check"].value("change", ""), summary->campaign,
                       before ? &*before : nullptr, done.key);
  alerts.insert(alerts.end(), endangered.begin(), endangered.end());
  if (state == ProcessState::kTransfer) {
    // The sign-offs this check asks for (after the withdrawals above).
    std::vector<AlertDraft> waiting = SignOffWaitingAlerts(id, data, summary->verdict, done.key);
    alerts.insert(alerts.end(), waiting.begin(), waiting.end());
  }
  Result<Rows> updated = c.Query(
      "UPDATE processes SET state = $1, data = $2, version = version + 1, updated_at = $3 "
      "WHERE workspace_id = $4 AND campaign = $5 AND version = $6",
      {process::StateName(state), data.dump(), done.now, done.ws, id, row.Int(3)});
  if (!updated.ok()) return updated.error();
  if (updated.value().affected != 1) return Error::Internal("process changed during completion");
  Outcome<bool> audited = AppendAudit(c, done.ws, audit, done.now);
  if (!audited.ok()) return Error::Internal(audited.error().message);
  Outcome<bool> alerted = AppendAlerts(c, done.ws, id, alerts, done.now);
  if (!alerted.ok()) return Error::Internal(alerted.error().message);
  return OkStatus();
}

}  // namespace

// A check job: rebuild the campaign's scenario from the workspace as it is now; if its key is
// no longer the job's, a newer job supersedes this one. Otherwise take the result from the
// cache or simulate, then complete: store the result, update every process waiting on this
// key (CompleteProcess).
void JobService::RunCheckJob(int64_t job, const JobRunner::ProgressFn& progress) {
  Outcome<QueuedJob> read = ReadQueuedJob(*core_.database, job, core_.CheckTag());
  if (!read.ok() || read.value().status != "queued") return;
  // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const QueuedJob& queued = read.value();
  const auto& ws = queued.ws;
  const auto& key = queued.key;
  const auto& check = queued.check;
  const auto& cached = queued.cached;
  if (!check || check->key != key) {
    FinishCheckJob(core_, job, ws, key, "superseded", "");
    return;
  }
  std::string body;
  std::string verdict;
  double seconds = 0;
  if (cached) {
    ++core_.metrics.checks_cached;
  } else {
    MarkJobRunning(*core_.database, job);
    CheckOptions options;
    options.scenarios = core_.options.check_scenarios;
    options.threads = core_.options.check_threads;
    options.collect_series = true;
    options.progress = progress;
    const auto started = std::chrono::steady_clock::now();
    Result<CheckResult> result = RunCheck(check->scenario, options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    core_.metrics.check_millis += static_cast<int64_t>(seconds * 1000);
    if (!result.ok()) {
      ++core_.metrics.checks_failed;
      FinishCheckJob(core_, job, ws, key, "failed", JobErrorText(result.error()));
      return;
    }
    ++core_.metrics.checks_run;
    body = CheckResultToJson(result.value());
    verdict = VerdictName(result.value().verdict);
  }
  const std::string inputs = InputsText(check->scenario);
  std::vector<int64_t> recommend_jobs;
  Status completed = core_.database->Transaction([&](Connection& c) -> Status {
    recommend_jobs.clear();
    const std::string now = core_.Now();
    Result<json> result = StoreJobResult(c,
                                         {.ws = ws,
                                          .key = key,
                                          .kind = "check",
                                          .verdict = verdict,
                                          .body = body,
                                          .seconds = seconds,
                                          .cached = cached,
                                          .inputs = inputs,
                                          .replica = core_.replica},
                                         job, now);
    if (!result.ok()) return result.error();
    Result<Rows> processes = c.Query(
        "SELECT campaign, state, data, version FROM processes WHERE workspace_id = $1", {ws});
    if (!processes.ok()) return processes.error();
    const CheckCompletion completion{.ws = ws,
                                     .key = key,
                                     .cached = cached,
                                     .result = &result.value(),
                                     .now = now,
                                     .recommend_jobs = &recommend_jobs};
    for (const store::Row& row : processes.value().rows) {
      Status process_done = CompleteProcess(c, completion, row);
      if (!process_done.ok()) return process_done;
    }
    return OkStatus();
  });
  if (!completed.ok()) {
    FinishCheckJob(core_, job, ws, key, "failed", completed.error().ToString());
    return;
  }
  for (int64_t recommend : recommend_jobs) Submit(recommend, "recommend");
}

// A finished check may queue counter-proposals, so both runners must be idle at once, and the
// claimer must have found nothing more to claim since the last job was queued here.
bool JobService::WaitForJobs(std::chrono::milliseconds timeout) {
  if (!core_.runner || !core_.claimer) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  for (;;) {
    const int64_t epoch = core_.claimer->WaitSettled(deadline);
    if (epoch < 0) return false;
    if (!core_.runner->WaitIdle(left()) || !core_.recommend_runner->WaitIdle(left())) return false;
    if (core_.PendingJobs() == 0 && core_.claimer->Epoch() == epoch) return true;
    if (left().count() <= 0) return false;
  }
}

}  // namespace tandem::server
