// The campaign process: draft -> groundwork -> transfer -> approved -> live -> follow-up ->
// closed. Confirmations (groundwork), background checks cached by content, sign-offs and
// approval with override (transfer), the hand-over, withdrawals on change, alerts, audit.
#include <algorithm>
#include <chrono>
#include <set>

#include "server/crypto.h"
#include "server/service_core.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/check_output.h"

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

Result<Scenario> ParseSnapshot(const Snapshot& snapshot) {
  return ParseDocument(snapshot.doc, AssembleScenario(snapshot.doc));
}

Outcome<int64_t> InsertJob(Connection& c, const NewJob& job) {
  Result<int64_t> id = store::QueryInt(
      c,
      "INSERT INTO jobs (workspace_id, campaign, kind, key, cause, status, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) RETURNING id",
      {job.ws, job.campaign, job.kind, job.key, job.cause, job.actor, job.now});
  if (!id.ok()) return ApiError::Internal(id.error().ToString());
  return id.value();
}

// Points the process at a new check of `key`, queuing a job. The previous result (for alert
// comparisons) is the last one that completed.
Outcome<bool> QueueCheck(Connection& c, WriteContext& context, ProcessRow& process,
                         const std::string& key, std::vector<int64_t>* jobs) {
  Outcome<int64_t> job = InsertJob(c, {.ws = context.snapshot.workspace,
                                       .campaign = process.campaign,
                                       .kind = "check",
                                       .key = key,
                                       .cause = context.cause,
                                       .actor = context.actor.name,
                                       .now = context.now});
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

Outcome<std::optional<json>> LoadResult(Connection& c, const std::string& key) {
  Result<Rows> rows = c.Query("SELECT body FROM results WHERE key = $1", {key});
  if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  if (rows.value().empty()) return std::optional<json>();
  return std::optional<json>(json::parse(rows.value().rows[0].Text(0), nullptr, false));
}

Result<json> StoreJobResult(Connection& c, const JobResult& result, int64_t job,
                            const std::string& now) {
  Result<Rows> locked =
      c.Query("UPDATE workspaces SET revision = revision WHERE id = $1", {result.ws});
  if (!locked.ok()) return locked.error();
  const Value inputs = result.inputs.empty() ? Value() : Value(result.inputs);
  if (!result.cached) {
    Result<Rows> stored = c.Query(
        "INSERT INTO results (key, kind, verdict, body, seconds, created_at, inputs) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
        {result.key, result.kind, result.verdict, result.body, result.seconds, now, inputs});
    if (!stored.ok()) return stored.error();
  } else if (!result.inputs.empty()) {
    // A result stored before inputs were kept gets them now.
    Result<Rows> stored = c.Query(
        "UPDATE results SET inputs = $1 WHERE key = $2 AND inputs IS NULL", {inputs, result.key});
    if (!stored.ok()) return stored.error();
  }
  Outcome<std::optional<json>> loaded = LoadResult(c, result.key);
  if (!loaded.ok() || !loaded.value()) return Error::Internal("result vanished");
  Result<bool> done = EndJob(c, job, result.replica, "done", "", now);
  if (!done.ok()) return done.error();
  if (!done.value())
    return Error::Internal("job " + std::to_string(job) + " was claimed by another server");
  return std::move(*loaded.value());
}

Outcome<json> LoadInputs(Connection& c, const std::string& key) {
  Result<Rows> rows = c.Query("SELECT inputs FROM results WHERE key = $1", {key});
  if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  if (rows.value().empty() || rows.value().rows[0].IsNull(0)) return json(nullptr);
  json inputs = json::parse(rows.value().rows[0].Text(0), nullptr, false);
  return inputs.is_discarded() ? json(nullptr) : inputs;
}

std::string InputsText(const Scenario& scenario) {
  return WriteScenarioJson(scenario).dump();
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

Outcome<bool> Reconcile(Connection& c, WriteContext& context, const Snapshot& before,
                        const Scenario& scenario, std::vector<int64_t>* jobs) {
  Snapshot& snapshot = context.snapshot;
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
        context.audit.push_back(
            {.campaign = id,
             .actor = context.actor.name,
             .action = signoff ? "withdraw-signoff" : "withdraw-confirmation",
             .target = name,
             .detail = {{"reason", "inputs of " + std::string(name) + " changed"},
                        {"change", context.target}}});
      }
    }
    if (process.state == ProcessState::kApproved && signoff_withdrawn) {
      process.state = ProcessState::kTransfer;
      process.data["override"] = nullptr;
      process.data["approved"] = nullptr;
      process.data["handover"] = nullptr;
      context.audit.push_back(
          {.campaign = id,
           .actor = context.actor.name,
           .action = "return-to-transfer",
           .target = "state",
           .detail = {{"reason", "a sign-off was withdrawn"}, {"change", context.target}}});
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
        // ... and the sign-offs it asks for (once per content: the dedupe key has it).
        std::vector<AlertDraft> waiting =
            SignOffWaitingAlerts(id, process.data, verdict, check.key);
        auto& list = context.alerts[id];
        list.insert(list.end(), waiting.begin(), waiting.end());
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
    process.data["check"]["change"] = context.target;  // "resources/packing" (alerts)
    context.audit.push_back(
        {.campaign = id,
         .actor = context.actor.name,
         .action = "recheck",
         .target = context.target.empty() ? "check" : context.target,
         .detail = {
             {"key", check.key}, {"job", process.data["check"]["job"]}, {"cause", context.cause}}});
  }
  return true;
}

// A check job: rebuild the campaign's scenario from the workspace as it is now; if its key is
// no longer the job's, a newer job supersedes this one. Otherwise take the result from the
// cache or simulate, then complete: store the result, update every process waiting on this
// key, withdraw sign-offs given on another verdict, raise alerts.
// In transfer, a verdict other than go queues the campaign's counter-proposals (recommend.cc).

}  // namespace tandem::server
