// The campaign process: draft -> groundwork -> transfer -> approved -> live -> follow-up ->
// closed. Confirmations (groundwork), background checks cached by content, sign-offs and
// approval with override (transfer), the hand-over, withdrawals on change, alerts, audit.
#include <algorithm>
#include <chrono>
#include <set>

#include "server/crypto.h"
#include "server/service_internal.h"
#include "tandem/engine/check.h"
#include "tandem/io/check_output.h"
#include "tandem/io/scenario_writer.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

using process::ProcessState;

// Capability as the JSON body had it (for "before" comparisons).
std::optional<Capability> CapabilityFromBody(const json& body) {
  if (!body.is_object() || !body.contains("id")) return std::nullopt;
  Capability capability;
  capability.id = body["id"].is_string() ? body["id"].get<std::string>() : body["id"].dump();
  capability.claim = body.value("claim", "");
  if (body.contains("from") && body["from"].is_string())
    capability.from = Date::Parse(body["from"].get<std::string>());
  if (body.contains("until") && body["until"].is_string())
    capability.until = Date::Parse(body["until"].get<std::string>());
  return capability;
}

}  // namespace

Result<Scenario> ParseSnapshot(const Service::Snapshot& snapshot) {
  return ParseDocument(snapshot.doc, AssembleScenario(snapshot.doc));
}

Outcome<int64_t> InsertJob(Connection& c, const std::string& ws, const std::string& campaign,
                           const std::string& kind, const std::string& key,
                           const std::string& cause, const std::string& actor,
                           const std::string& now) {
  Result<int64_t> id = store::QueryInt(
      c,
      "INSERT INTO jobs (workspace_id, campaign, kind, key, cause, status, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) RETURNING id",
      {ws, campaign, kind, key, cause, actor, now});
  if (!id.ok()) return ApiError::Internal(id.error().ToString());
  return id.value();
}

// Points the process at a new check of `key`, queuing a job. The previous result (for alert
// comparisons) is the last one that completed.
Outcome<bool> QueueCheck(Connection& c, Service::WriteContext& context, ProcessRow& process,
                         const std::string& key, std::vector<int64_t>* jobs) {
  Outcome<int64_t> job = InsertJob(c, context.snapshot.workspace, process.campaign, "check", key,
                                   context.cause, context.actor.name, context.now);
  if (!job.ok()) return job.error();
  jobs->push_back(job.value());
  json previous = nullptr;
  const json& old = process.data["check"];
  if (old.is_object())
    previous =
        old.value("status", "") == "done" ? old["key"] : old.value("previous_key", json(nullptr));
  process.data["check"] = {{"key", key},
                           {"job", job.value()},
                           {"status", "queued"},
                           {"cause", context.cause},
                           {"previous_key", previous},
                           {"requested_at", context.now},
                           {"requested_by", context.actor.name}};
  return true;
}

namespace {

std::string JsonText(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

Outcome<std::optional<json>> LoadResult(Connection& c, const std::string& key) {
  Result<Rows> rows = c.Query("SELECT body FROM results WHERE key = $1", {key});
  if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  if (rows.value().empty()) return std::optional<json>();
  return std::optional<json>(json::parse(rows.value().rows[0].Text(0), nullptr, false));
}

json NewProcessData() {
  return {{"confirmations", json::object()},
          {"signoffs", json::object()},
          {"check", nullptr},
          {"override", nullptr},
          {"approved", nullptr},
          {"handover", nullptr},
          {"review", nullptr}};
}

std::string Service::CheckTag() const {
  return "tandem-check/1;scenarios=" +
         (options_.check_scenarios ? std::to_string(*options_.check_scenarios) : "file") +
         ";series=1";
}

std::string CheckKeyFor(const Scenario& scenario, const Document& document,
                        const std::string& check_tag) {
  std::string material = check_tag + "\n" + WriteScenarioYaml(scenario);
  for (const Offering& offering : scenario.offerings) {
    const std::string& path = offering.baseline.history_path;
    if (path.empty()) continue;
    auto file = document.files.find(path);
    material +=
        "\n--- " + path + "\n" + (file == document.files.end() ? std::string() : file->second);
  }
  return Sha256Hex(material);
}

CampaignScenario ScenarioForCampaign(const Scenario& full, const Document& document,
                                     const std::map<std::string, ProcessRow>& processes,
                                     const std::string& campaign, const std::string& check_tag) {
  CampaignScenario out{full, ""};
  std::vector<Campaign>& campaigns = out.scenario.campaigns;
  campaigns.erase(std::remove_if(campaigns.begin(), campaigns.end(),
                                 [&](const Campaign& item) {
                                   if (item.id == campaign) return false;
                                   auto process = processes.find(item.id);
                                   return process == processes.end() ||
                                          !process::IsCommitted(process->second.state);
                                 }),
                  campaigns.end());
  out.key = CheckKeyFor(out.scenario, document, check_tag);
  return out;
}

Outcome<bool> Reconcile(Connection& c, Service::WriteContext& context,
                        const Service::Snapshot& before, const Scenario& scenario,
                        std::vector<int64_t>* jobs) {
  Service::Snapshot& snapshot = context.snapshot;
  for (auto& [id, process] : snapshot.processes) {
    if (process.state == ProcessState::kClosed) continue;
    const Campaign* campaign = scenario.FindCampaign(id);
    if (!campaign) continue;
    // A capability that now supports a claim the campaign does not make yet: to marketing.
    if (context.kind == "capabilities") {
      if (const Capability* after = scenario.FindCapability(context.key)) {
        const std::optional<Capability> old = CapabilityFromBody(context.changed_before);
        std::vector<AlertDraft> alerts = CapabilityAlerts(old ? &*old : nullptr, *after, *campaign,
                                                          std::to_string(snapshot.revision));
        auto& list = context.alerts[id];
        list.insert(list.end(), alerts.begin(), alerts.end());
      }
    }
    if (process.state == ProcessState::kDraft || process.state == ProcessState::kFollowUp) continue;
    const std::map<Role, std::string> hashes = BasisHashes(scenario, *campaign, snapshot.doc);
    bool signoff_withdrawn = false;
    for (Role role : Functions()) {
      const char* name = RoleName(role);
      for (const char* section : {"confirmations", "signoffs"}) {
        json& entries = process.data[section];
        if (!entries.is_object() || !entries.contains(name)) continue;
        if (entries[name].value("basis", "") == hashes.at(role)) continue;
        entries.erase(name);
        const bool signoff = std::string(section) == "signoffs";
        signoff_withdrawn = signoff_withdrawn || signoff;
        context.audit.push_back({id,
                                 context.actor.name,
                                 signoff ? "withdraw-signoff" : "withdraw-confirmation",
                                 name,
                                 {{"reason", "inputs of " + std::string(name) + " changed"},
                                  {"change", context.target}}});
      }
    }
    if (process.state == ProcessState::kApproved && signoff_withdrawn) {
      process.state = ProcessState::kTransfer;
      process.data["override"] = nullptr;
      process.data["approved"] = nullptr;
      process.data["handover"] = nullptr;
      context.audit.push_back(
          {id,
           context.actor.name,
           "return-to-transfer",
           "state",
           {{"reason", "a sign-off was withdrawn"}, {"change", context.target}}});
    }
    if (!process::IsRechecked(process.state)) continue;
    const CampaignScenario check =
        ScenarioForCampaign(scenario, snapshot.doc, snapshot.processes, id, context.check_tag);
    const json& current = process.data["check"];
    if (current.is_object() && current.value("key", "") == check.key &&
        current.value("status", "") != "failed") {
      // Entering transfer with this content's check already done: counter-proposals now.
      if (process.state == ProcessState::kTransfer && current.value("status", "") == "done") {
        const std::string verdict = current.value("verdict", "go");
        Outcome<bool> recommend =
            QueueRecommendAfterCheck(c, snapshot.workspace, id, process.data, check.key, verdict,
                                     context.now, &context.queued_recommend_jobs, &context.audit);
        if (!recommend.ok()) return recommend.error();
      }
      continue;
    }
    Outcome<bool> queued = QueueCheck(c, context, process, check.key, jobs);
    if (!queued.ok()) return queued.error();
    // The state before this write: an approved campaign returned to transfer by the change
    // still counts as approved for the "verdict worsened" alert.
    auto old = before.processes.find(id);
    process.data["check"]["state_at_change"] =
        process::StateName(old != before.processes.end() ? old->second.state : process.state);
    context.audit.push_back(
        {id,
         context.actor.name,
         "recheck",
         context.target.empty() ? "check" : context.target,
         {{"key", check.key}, {"job", process.data["check"]["job"]}, {"cause", context.cause}}});
  }
  return true;
}

Outcome<Reply> Service::Handover(const Actor& actor, const std::string& ws,
                                 const std::string& campaign) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    auto process = snapshot.processes.find(campaign);
    if (process == snapshot.processes.end())
      return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
    const json& handover = process->second.data["handover"];
    if (handover.is_null())
      return ApiError::NotFound("campaign " + campaign + " has no hand-over: it is not approved");
    Reply reply;
    reply.version = process->second.version;
    // Each function reads its part; admin reads all of it.
    json parts = json::object();
    for (const char* part : {"operations", "marketing", "service"}) {
      if (actor.role == Role::kAdmin || RoleName(actor.role) == std::string(part) ||
          (actor.role == Role::kFinance && std::string(part) == "operations")) {
        parts[part] = handover[part];
      }
    }
    reply.body = {{"campaign", campaign},
                  {"approved", process->second.data["approved"]},
                  {"override", process->second.data["override"]},
                  {"handover", parts}};
    return reply;
  });
}

// ---------------------------------------------------------------------------------------------
// Checks

Outcome<Reply> Service::RequestCheck(const Actor& actor, const std::string& ws,
                                     const std::string& campaign) {
  // Unchanged content with a check queued, running or done: answered from a read, no write.
  Outcome<Reply> unchanged = ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    auto process = snapshot.processes.find(campaign);
    if (process == snapshot.processes.end())
      return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
    const json& check = process->second.data["check"];
    if (!check.is_object() || check.value("status", "") == "failed") return ApiError{0, "", "", {}};
    Result<Scenario> scenario = ParseSnapshot(snapshot);
    if (!scenario.ok() || !scenario.value().FindCampaign(campaign)) return ApiError{0, "", "", {}};
    const CampaignScenario wanted = ScenarioForCampaign(scenario.value(), snapshot.doc,
                                                        snapshot.processes, campaign, CheckTag());
    if (check.value("key", "") != wanted.key) return ApiError{0, "", "", {}};
    Reply reply;
    reply.status = check.value("status", "") == "done" ? 200 : 202;
    reply.body = {{"campaign", campaign}, {"check", check}};
    return reply;
  });
  if (unchanged.ok() || unchanged.error().status != 0) return unchanged;
  return Write(actor, ws, "manual", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    Result<Scenario> scenario = ParseSnapshot(context.snapshot);
    if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
    if (!scenario.value().FindCampaign(campaign))
      return ApiError::NotFound("no campaign '" + campaign + "'");
    bool any_offering = false;
    for (const Entity& entity : context.snapshot.doc.entities)
      any_offering = any_offering || entity.kind == "offerings";
    if (!any_offering) return ApiError::Conflict("the workspace has no offerings yet");
    const CampaignScenario check =
        ScenarioForCampaign(scenario.value(), context.snapshot.doc, context.snapshot.processes,
                            campaign, context.check_tag);
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
      context.audit.push_back(
          {campaign, actor.name, "check-requested", "check", {{"key", check.key}}});
      reply.status = 202;
    }
    reply.body = {{"campaign", campaign}, {"check", process.data["check"]}};
    return reply;
  });
}

Outcome<Reply> Service::GetCheck(const Actor&, const std::string& ws, const std::string& campaign,
                                 bool with_result) {
  std::optional<Outcome<Reply>> outcome;
  Status status = database_->Read([&](Connection& c) -> Status {
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
    if (runner_ && check.contains("job")) {
      if (std::optional<JobRunner::Progress> progress = runner_->Get(check["job"].get<int64_t>())) {
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
      }
    }
    outcome = std::move(reply);
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return std::move(*outcome);
}

Outcome<Reply> Service::GetJob(const Actor&, int64_t job) {
  Reply reply;
  bool found = false;
  Status status = database_->Read([&](Connection& c) -> Status {
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
  for (JobRunner* runner : {runner_.get(), recommend_runner_.get()}) {
    if (!runner) continue;
    if (std::optional<JobRunner::Progress> progress = runner->Get(job)) {
      reply.body["progress"] = {
          {"done", progress->done}, {"total", progress->total}, {"running", progress->running}};
      if (!progress->stage.empty()) reply.body["progress"]["stage"] = progress->stage;
    }
  }
  return reply;
}

void Service::SubmitJob(int64_t job, const std::string& kind) {
  if (kind == "followup") {
    if (!runner_) return;
    runner_->Submit(
        job, [this, job](const JobRunner::ProgressFn& progress) { RunFollowUpJob(job, progress); });
    return;
  }
  if (kind == "recommend") {
    if (!recommend_runner_) return;
    recommend_runner_->Submit(job, [this, job](const JobRunner::ProgressFn& progress) {
      RunRecommendJob(job, progress);
    });
    return;
  }
  if (!runner_) return;
  runner_->Submit(job,
                  [this, job](const JobRunner::ProgressFn& progress) { RunJob(job, progress); });
}

// A check job: rebuild the campaign's scenario from the workspace as it is now; if its key is
// no longer the job's, a newer job supersedes this one. Otherwise take the result from the
// cache or simulate, then complete: store the result, update every process waiting on this
// key, withdraw sign-offs given on another verdict, raise alerts.
// In transfer, a verdict other than go queues the campaign's counter-proposals (recommend.cc).
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
    Outcome<Service::Snapshot> snapshot = LoadSnapshot(c, out.ws);
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

void Service::RunJob(int64_t job, const JobRunner::ProgressFn& progress) {
  Outcome<QueuedJob> read = ReadQueuedJob(*database_, job, CheckTag());
  if (!read.ok() || read.value().status != "queued") return;
  // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const QueuedJob& queued = read.value();
  const auto& ws = queued.ws;
  const auto& key = queued.key;
  const auto& check = queued.check;
  const auto& cached = queued.cached;
  const auto finish = [&](const std::string& final_status, const std::string& error) {
    (void)database_->Transaction([&](Connection& c) -> Status {
      Result<Rows> rows =
          c.Query("UPDATE jobs SET status = $1, error = $2, finished_at = $3 WHERE id = $4",
                  {final_status, error.empty() ? Value() : Value(error), Now(), job});
      if (!rows.ok()) return rows.error();
      if (final_status != "failed") return OkStatus();
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
  };
  if (!check || check->key != key) {
    finish("superseded", "");
    return;
  }
  std::string body;
  std::string verdict;
  double seconds = 0;
  if (cached) {
    ++checks_cached_;
  } else {
    MarkJobRunning(*database_, job);
    CheckOptions options;
    options.scenarios = options_.check_scenarios;
    options.threads = options_.check_threads;
    options.collect_series = true;
    options.progress = progress;
    const auto started = std::chrono::steady_clock::now();
    Result<CheckResult> result = RunCheck(check->scenario, options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    check_millis_ += static_cast<int64_t>(seconds * 1000);
    if (!result.ok()) {
      ++checks_failed_;
      finish("failed", result.error().ToString());
      return;
    }
    ++checks_run_;
    body = CheckResultToJson(result.value());
    verdict = VerdictName(result.value().verdict);
  }
  std::vector<int64_t> recommend_jobs;
  Status completed = database_->Transaction([&](Connection& c) -> Status {
    recommend_jobs.clear();
    const std::string now = Now();
    Result<Rows> locked = c.Query("UPDATE workspaces SET revision = revision WHERE id = $1", {ws});
    if (!locked.ok()) return locked.error();
    if (!cached) {
      Result<Rows> stored = c.Query(
          "INSERT INTO results (key, kind, verdict, body, seconds, created_at) VALUES ($1, "
          "'check', $2, $3, $4, $5) "
          "ON CONFLICT (key) DO NOTHING",
          {key, verdict, body, seconds, now});
      if (!stored.ok()) return stored.error();
    }
    Outcome<std::optional<json>> result = LoadResult(c, key);
    if (!result.ok() || !result.value()) return Error::Internal("result vanished");
    Result<Rows> done =
        c.Query("UPDATE jobs SET status = 'done', finished_at = $1 WHERE id = $2", {now, job});
    if (!done.ok()) return done.error();
    Result<Rows> processes = c.Query(
        "SELECT campaign, state, data, version FROM processes WHERE workspace_id = $1", {ws});
    if (!processes.ok()) return processes.error();
    for (const store::Row& row : processes.value().rows) {
      const std::string id = row.Text(0);
      ProcessState state = process::ParseState(row.Text(1)).value_or(ProcessState::kDraft);
      json data = json::parse(row.Text(2), nullptr, false);
      if (!data["check"].is_object() || data["check"].value("key", "") != key) continue;
      if (data["check"].value("status", "") == "done") continue;
      const std::optional<CheckSummary> summary = SummaryFor(*result.value(), id);
      if (!summary) continue;
      std::vector<AuditDraft> audit;
      data["check"]["status"] = "done";
      data["check"]["verdict"] = summary->verdict;
      data["check"]["finished_at"] = now;
      audit.push_back({id,
                       "tandem",
                       "check-done",
                       "check",
                       {{"key", key}, {"verdict", summary->verdict}, {"cached", cached}}});
      // What the previous result said, for the alerts.
      std::optional<json> before;
      const std::string previous = JsonText(data["check"].value("previous_key", json(nullptr)));
      if (!previous.empty()) {
        Outcome<std::optional<json>> old = LoadResult(c, previous);
        if (old.ok() && old.value()) {
          if (std::optional<CheckSummary> old_summary = SummaryFor(*old.value(), id))
            before = old_summary->campaign;
        }
      }
      if (!before && data["approved"].is_object())
        before = json{{"verdict", data["approved"].value("verdict", "go")}};
      // Sign-offs were given on a verdict; a different verdict withdraws them.
      bool withdrawn = false;
      for (Role role : Functions()) {
        const char* name = RoleName(role);
        if (!data["signoffs"].contains(name)) continue;
        if (data["signoffs"][name].value("verdict", "") == summary->verdict) continue;
        data["signoffs"].erase(name);
        withdrawn = true;
        audit.push_back({id,
                         "tandem",
                         "withdraw-signoff",
                         name,
                         {{"reason", "the verdict changed to " + summary->verdict}, {"key", key}}});
      }
      if (withdrawn && state == ProcessState::kApproved) {
        state = ProcessState::kTransfer;
        data["override"] = nullptr;
        data["approved"] = nullptr;
        data["handover"] = nullptr;
        audit.push_back(
            {id, "tandem", "return-to-transfer", "state", {{"reason", "the verdict changed"}}});
      }
      if (state == ProcessState::kTransfer) {
        Outcome<bool> recommend = QueueRecommendAfterCheck(c, ws, id, data, key, summary->verdict,
                                                           now, &recommend_jobs, &audit);
        if (!recommend.ok()) return Error::Internal(recommend.error().message);
      }
      const std::string cause = data["check"].value("cause", "manual");
      const ProcessState state_for_alerts =
          process::ParseState(data["check"].value("state_at_change", row.Text(1))).value_or(state);
      std::vector<AlertDraft> alerts =
          AlertsForResult(id, state_for_alerts, cause, Campaign{}, summary->campaign,
                          before ? &*before : nullptr, key);
      Result<Rows> updated = c.Query(
          "UPDATE processes SET state = $1, data = $2, version = version + 1, updated_at = $3 "
          "WHERE workspace_id = $4 AND campaign = $5 AND version = $6",
          {process::StateName(state), data.dump(), now, ws, id, row.Int(3)});
      if (!updated.ok()) return updated.error();
      if (updated.value().affected != 1)
        return Error::Internal("process changed during completion");
      Outcome<bool> audited = AppendAudit(c, ws, audit, now);
      if (!audited.ok()) return Error::Internal(audited.error().message);
      Outcome<bool> alerted = AppendAlerts(c, ws, id, alerts, now);
      if (!alerted.ok()) return Error::Internal(alerted.error().message);
    }
    return OkStatus();
  });
  if (!completed.ok()) {
    finish("failed", completed.error().ToString());
    return;
  }
  for (int64_t recommend : recommend_jobs) SubmitJob(recommend, "recommend");
}

// ---------------------------------------------------------------------------------------------
// Audit and alerts

Outcome<Reply> Service::Audit(const Actor&, const std::string& ws, const std::string& campaign) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  bool exists = false;
  Status status = database_->Read([&](Connection& c) -> Status {
    Result<Rows> workspace = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
    if (!workspace.ok()) return workspace.error();
    exists = !workspace.value().empty();
    Result<Rows> rows =
        campaign.empty() ? c.Query(
                               "SELECT id, campaign, actor, action, target, detail, at FROM audit "
                               "WHERE workspace_id = $1 ORDER BY id",
                               {ws})
                         : c.Query(
                               "SELECT id, campaign, actor, action, target, detail, at FROM audit "
                               "WHERE workspace_id = $1 AND campaign = $2 ORDER BY id",
                               {ws, campaign});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Int(0)},
                                     {"campaign", row.Text(1)},
                                     {"actor", row.Text(2)},
                                     {"action", row.Text(3)},
                                     {"target", row.Text(4)},
                                     {"detail", json::parse(row.Text(5), nullptr, false)},
                                     {"at", row.Text(6)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (!exists) return ApiError::NotFound("no workspace '" + ws + "'");
  return reply;
}

Outcome<Reply> Service::Alerts(const Actor& actor, const std::string& ws, int64_t after_id) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  const std::string audience = RoleName(actor.role);
  Status status = database_->Read([&](Connection& c) -> Status {
    Result<Rows> rows =
        actor.role == Role::kAdmin
            ? c.Query(
                  "SELECT id, audience, kind, campaign, message, data, created_at FROM alerts "
                  "WHERE workspace_id = $1 AND id > $2 ORDER BY id",
                  {ws, after_id})
            : c.Query(
                  "SELECT id, audience, kind, campaign, message, data, created_at FROM alerts "
                  "WHERE workspace_id = $1 AND id > $2 AND audience IN ($3, 'all') ORDER BY id",
                  {ws, after_id, audience});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Int(0)},
                                     {"audience", row.Text(1)},
                                     {"kind", row.Text(2)},
                                     {"campaign", row.Text(3)},
                                     {"message", row.Text(4)},
                                     {"data", json::parse(row.Text(5), nullptr, false)},
                                     {"at", row.Text(6)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return reply;
}

}  // namespace tandem::server
