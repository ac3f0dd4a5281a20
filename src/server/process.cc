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

bool Committed(const std::string& state) {
  return state == "approved" || state == "live" || state == "follow-up" || state == "closed";
}

bool Rechecked(const std::string& state) {
  return state == "transfer" || state == "approved" || state == "live";
}

const std::vector<std::string>& AllStates() {
  static const std::vector<std::string> states = {"draft", "groundwork", "transfer", "approved",
                                                  "live",  "follow-up",  "closed"};
  return states;
}

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

json MissingList(const json& section) {
  json missing = json::array();
  for (Role role : Functions()) {
    if (!section.is_object() || !section.contains(RoleName(role)))
      missing.push_back(RoleName(role));
  }
  return missing;
}

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
                                          !Committed(process->second.state);
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
    if (process.state == "closed") continue;
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
    if (process.state == "draft" || process.state == "follow-up") continue;
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
    if (process.state == "approved" && signoff_withdrawn) {
      process.state = "transfer";
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
    if (!Rechecked(process.state)) continue;
    const CampaignScenario check =
        ScenarioForCampaign(scenario, snapshot.doc, snapshot.processes, id, context.check_tag);
    const json& current = process.data["check"];
    if (current.is_object() && current.value("key", "") == check.key &&
        current.value("status", "") != "failed") {
      // Entering transfer with this content's check already done: counter-proposals now.
      if (process.state == "transfer" && current.value("status", "") == "done") {
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
        old != before.processes.end() ? old->second.state : process.state;
    context.audit.push_back(
        {id,
         context.actor.name,
         "recheck",
         context.target.empty() ? "check" : context.target,
         {{"key", check.key}, {"job", process.data["check"]["job"]}, {"cause", context.cause}}});
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading the process

namespace {

json ProcessView(const ProcessRow& process, const json* campaign_body,
                 const std::optional<JobRunner::Progress>& progress) {
  json view = {{"campaign", process.campaign},
               {"state", process.state},
               {"version", process.version},
               {"confirmations", process.data["confirmations"]},
               {"missing_confirmations", MissingList(process.data["confirmations"])},
               {"signoffs", process.data["signoffs"]},
               {"missing_signoffs", MissingList(process.data["signoffs"])},
               {"check", process.data["check"]},
               {"override", process.data["override"]},
               {"approved", process.data["approved"]},
               {"handover_ready", !process.data["handover"].is_null()},
               {"review", process.data["review"]},
               {"recommend",
                process.data.contains("recommend") ? process.data["recommend"] : json(nullptr)}};
  if (progress && view["check"].is_object()) {
    view["check"]["progress"] = {
        {"done", progress->done}, {"total", progress->total}, {"running", progress->running}};
  }
  if (campaign_body && campaign_body->is_object()) {
    view["name"] = campaign_body->value("name", "");
    if (campaign_body->contains("window")) view["window"] = (*campaign_body)["window"];
  }
  json next = json::array();
  const std::string& state = process.state;
  if (state == "draft") next = {"groundwork"};
  if (state == "groundwork") next = {"transfer", "draft"};
  if (state == "transfer") next = {"approved", "groundwork"};
  if (state == "approved") next = {"live", "transfer"};
  if (state == "live") next = {"follow-up"};
  if (state == "follow-up") next = {"closed"};
  view["next"] = next;
  return view;
}

}  // namespace

Outcome<Reply> Service::ListProcesses(const Actor&, const std::string& ws) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.body = {{"items", json::array()}};
    for (const Entity* entity : Ordered(snapshot.doc)) {
      if (entity->kind != "campaigns") continue;
      auto process = snapshot.processes.find(entity->key);
      if (process == snapshot.processes.end()) continue;
      json view = ProcessView(process->second, &entity->body, std::nullopt);
      reply.body["items"].push_back(
          {{"campaign", view["campaign"]},
           {"name", view.value("name", "")},
           {"window", view.value("window", json(nullptr))},
           {"state", view["state"]},
           {"version", view["version"]},
           {"verdict", view["check"].is_object() ? view["check"].value("verdict", json(nullptr))
                                                 : json(nullptr)},
           {"check_status", view["check"].is_object() ? view["check"]["status"] : json(nullptr)},
           {"missing_confirmations", view["missing_confirmations"]},
           {"missing_signoffs", view["missing_signoffs"]}});
    }
    return reply;
  });
}

Outcome<Reply> Service::GetProcess(const Actor&, const std::string& ws,
                                   const std::string& campaign) {
  return ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    auto process = snapshot.processes.find(campaign);
    const Entity* entity = snapshot.Find("campaigns", campaign);
    if (process == snapshot.processes.end() || !entity)
      return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
    std::optional<JobRunner::Progress> progress;
    const json& check = process->second.data["check"];
    if (runner_ && check.is_object() && check.contains("job"))
      progress = runner_->Get(check["job"].get<int64_t>());
    Reply reply;
    reply.version = process->second.version;
    reply.body = ProcessView(process->second, &entity->body, progress);
    return reply;
  });
}

// ---------------------------------------------------------------------------------------------
// Acting on the process

Outcome<ProcessRow*> FindProcess(Service::Snapshot& snapshot, const std::string& ws,
                                 const std::string& campaign) {
  auto process = snapshot.processes.find(campaign);
  if (process == snapshot.processes.end())
    return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
  return &process->second;
}

Reply ProcessReply(const ProcessRow& process, const json* body) {
  Reply reply;
  reply.body = ProcessView(process, body, std::nullopt);
  reply.version = process.version + 1;  // the version after this write
  reply.body["version"] = *reply.version;
  return reply;
}

namespace {

Outcome<Role> FunctionFor(const Actor& actor, const std::string& function, const char* what) {
  const std::optional<Role> role = ParseRole(function);
  if (!role || *role == Role::kAdmin) {
    return ApiError::NotFound("no function '" + function +
                              "'; functions: marketing, operations, finance, service");
  }
  if (actor.role != *role) {
    return ApiError::Forbidden(std::string(RoleName(actor.role)) + " cannot " + what + " for " +
                               function);
  }
  return *role;
}

}  // namespace

Outcome<Reply> Service::Transition(const Actor& actor, const std::string& ws,
                                   const std::string& campaign, const json& body,
                                   std::optional<int64_t> if_match) {
  if (actor.role != Role::kMarketing && actor.role != Role::kAdmin) {
    return ApiError::Forbidden(
        "only marketing (the campaign owner) and admin move a campaign through the process");
  }
  if (!body.is_object() || !body.contains("to") || !body["to"].is_string()) {
    return ApiError::Field("to", "missing", "the state to move to");
  }
  const std::string to = body["to"];
  if (std::find(AllStates().begin(), AllStates().end(), to) == AllStates().end()) {
    return ApiError::Field("to", "unknown state '" + to + "'",
                           "draft, groundwork, transfer, approved, live, follow-up, closed");
  }
  if (to == "approved")
    return ApiError::Field("to", "approval has its own action", "POST .../approve");
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (if_match && *if_match != process.version) {
      return ApiError::Conflict("the process is at version " + std::to_string(process.version),
                                "If-Match");
    }
    const std::string from = process.state;
    const std::set<std::pair<std::string, std::string>> edges = {
        {"draft", "groundwork"},    {"groundwork", "draft"}, {"groundwork", "transfer"},
        {"transfer", "groundwork"}, {"approved", "live"},    {"approved", "transfer"},
        {"live", "follow-up"},      {"follow-up", "closed"}};
    if (!edges.count({from, to})) {
      return ApiError::Conflict("a campaign in " + from + " cannot move to " + to, "to");
    }
    if (to == "transfer" && from == "groundwork") {
      const json missing = MissingList(process.data["confirmations"]);
      if (!missing.empty()) {
        ApiError error = ApiError::Conflict(
            "groundwork is not complete: confirmations missing from " + missing.dump());
        for (const json& name : missing)
          error.fields.push_back({"confirmations." + name.get<std::string>(), "missing", "", ""});
        return error;
      }
    }
    if (to == "closed") {
      if (!body.contains("review") || !body["review"].is_string() ||
          body["review"].get<std::string>().empty()) {
        return ApiError::Field("review", "closing needs the post-campaign review", "a text");
      }
      process.data["review"] = {{"by", actor.name}, {"at", context.now}, {"text", body["review"]}};
    }
    if (to == "groundwork" && from == "transfer") process.data["signoffs"] = json::object();
    if (from == "approved" && to == "transfer") {
      process.data["signoffs"] = json::object();
      process.data["approved"] = nullptr;
      process.data["override"] = nullptr;
      process.data["handover"] = nullptr;
    }
    process.state = to;
    context.target = "state";
    context.audit.push_back(
        {campaign, actor.name, "transition", "state", {{"from", from}, {"to", to}}});
    return ProcessReply(process, nullptr);
  });
}

Outcome<Reply> Service::Confirm(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const std::string& function,
                                const json& body) {
  Outcome<Role> role = FunctionFor(actor, function, "confirm");
  if (!role.ok()) return role.error();
  if (!body.is_object()) return ApiError::Field("(body)", "must be an object", "{note}");
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (process.state != "groundwork" && process.state != "transfer") {
      return ApiError::Conflict(
          "confirmations are given in groundwork (the campaign is " + process.state + ")", "state");
    }
    Result<Scenario> scenario = ParseSnapshot(context.snapshot);
    if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
    const Campaign* item = scenario.value().FindCampaign(campaign);
    if (!item) return ApiError::NotFound("no campaign '" + campaign + "'");
    const std::string basis =
        BasisHashes(scenario.value(), *item, context.snapshot.doc).at(role.value());
    process.data["confirmations"][function] = {{"by", actor.name},
                                               {"at", context.now},
                                               {"note", body.value("note", "")},
                                               {"basis", basis}};
    context.audit.push_back(
        {campaign, actor.name, "confirm", function, {{"note", body.value("note", "")}}});
    return ProcessReply(process, nullptr);
  });
}

Outcome<Reply> Service::Unconfirm(const Actor& actor, const std::string& ws,
                                  const std::string& campaign, const std::string& function) {
  Outcome<Role> role = FunctionFor(actor, function, "withdraw a confirmation");
  if (!role.ok()) return role.error();
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (!process.data["confirmations"].contains(function))
      return ApiError::NotFound(function + " has not confirmed");
    process.data["confirmations"].erase(function);
    context.audit.push_back({campaign,
                             actor.name,
                             "withdraw-confirmation",
                             function,
                             {{"reason", "by " + actor.name}}});
    return ProcessReply(process, nullptr);
  });
}

Outcome<Reply> Service::SignOff(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const std::string& function,
                                const json& body) {
  Outcome<Role> role = FunctionFor(actor, function, "sign off");
  if (!role.ok()) return role.error();
  if (!body.is_object() || !body.contains("check") || !body["check"].is_string()) {
    return ApiError::Field("check", "missing", "the key of the check result you reviewed");
  }
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (process.state != "transfer") {
      return ApiError::Conflict(
          "sign-offs are given in transfer (the campaign is " + process.state + ")", "state");
    }
    const json& check = process.data["check"];
    if (!check.is_object() || check.value("status", "") != "done") {
      return ApiError::Conflict("the check has not finished; sign off on its result", "check");
    }
    if (check.value("key", "") != body["check"].get<std::string>()) {
      return ApiError::Conflict(
          "the check you reviewed is not the current one (" + check.value("key", "") + ")",
          "check");
    }
    Result<Scenario> scenario = ParseSnapshot(context.snapshot);
    if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
    const Campaign* item = scenario.value().FindCampaign(campaign);
    if (!item) return ApiError::NotFound("no campaign '" + campaign + "'");
    const std::string basis =
        BasisHashes(scenario.value(), *item, context.snapshot.doc).at(role.value());
    process.data["signoffs"][function] = {
        {"by", actor.name}, {"at", context.now},     {"comment", body.value("comment", "")},
        {"basis", basis},   {"check", check["key"]}, {"verdict", check.value("verdict", "")}};
    context.audit.push_back({campaign,
                             actor.name,
                             "signoff",
                             function,
                             {{"check", check["key"]},
                              {"verdict", check.value("verdict", "")},
                              {"comment", body.value("comment", "")}}});
    return ProcessReply(process, nullptr);
  });
}

Outcome<Reply> Service::WithdrawSignOff(const Actor& actor, const std::string& ws,
                                        const std::string& campaign, const std::string& function) {
  Outcome<Role> role = FunctionFor(actor, function, "withdraw a sign-off");
  if (!role.ok()) return role.error();
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (!process.data["signoffs"].contains(function))
      return ApiError::NotFound(function + " has not signed off");
    if (process.state != "transfer") {
      return ApiError::Conflict(
          "sign-offs are withdrawn in transfer (the campaign is " + process.state + ")", "state");
    }
    process.data["signoffs"].erase(function);
    context.audit.push_back(
        {campaign, actor.name, "withdraw-signoff", function, {{"reason", "by " + actor.name}}});
    return ProcessReply(process, nullptr);
  });
}

Outcome<Reply> Service::Approve(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const json& body) {
  if (actor.role != Role::kMarketing && actor.role != Role::kAdmin) {
    return ApiError::Forbidden("only marketing (the campaign owner) and admin approve");
  }
  if (!body.is_object() || !body.contains("check") || !body["check"].is_string()) {
    return ApiError::Field("check", "missing", "the key of the check result approved");
  }
  std::string reason;
  if (body.contains("override")) {
    if (!body["override"].is_object() || !body["override"].contains("reason") ||
        !body["override"]["reason"].is_string() ||
        body["override"]["reason"].get<std::string>().size() < 10) {
      return ApiError::Field("override.reason", "an override needs a reason",
                             "at least 10 characters");
    }
    reason = body["override"]["reason"];
  }
  const std::string today = [&] {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(options_.clock());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return std::string(buffer);
  }();
  std::optional<json> result_body;
  return Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (process.state != "transfer")
      return ApiError::Conflict(
          "only a campaign in transfer is approved (it is " + process.state + ")", "state");
    const json& check = process.data["check"];
    if (!check.is_object() || check.value("status", "") != "done")
      return ApiError::Conflict("the check has not finished", "check");
    if (check.value("key", "") != body["check"].get<std::string>()) {
      return ApiError::Conflict(
          "the check approved is not the current one (" + check.value("key", "") + ")", "check");
    }
    const json missing = MissingList(process.data["signoffs"]);
    if (!missing.empty()) {
      ApiError error = ApiError::Conflict("sign-offs missing from " + missing.dump());
      for (const json& name : missing)
        error.fields.push_back({"signoffs." + name.get<std::string>(), "missing", "", ""});
      return error;
    }
    const std::string verdict = check.value("verdict", "no-go");
    if (verdict != "go" && reason.empty()) {
      return ApiError::Conflict(
          "the verdict is " + verdict + "; approving needs an explicit override with a reason",
          "override.reason");
    }
    Result<Scenario> scenario = ParseSnapshot(context.snapshot);
    if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
    const Campaign* item = scenario.value().FindCampaign(campaign);
    if (!item) return ApiError::NotFound("no campaign '" + campaign + "'");
    if (item->announce.ToString() < today) {
      return ApiError::Conflict("the campaign was announced on " + item->announce.ToString() +
                                    "; approval must come before the announcement",
                                "announce");
    }
    // The stored result of the current check (the key names it) gives the hand-over.
    Outcome<std::optional<json>> stored =
        LoadResult(*context.connection, check["key"].get<std::string>());
    if (!stored.ok()) return stored.error();
    if (!stored.value())
      return ApiError::Conflict("the check result is no longer stored; run the check again",
                                "check");
    const std::optional<CheckSummary> summary = SummaryFor(*stored.value(), campaign);
    if (!summary) return ApiError::Internal("the check result has no campaign " + campaign);
    process.state = "approved";
    process.data["approved"] = {
        {"by", actor.name}, {"at", context.now}, {"verdict", verdict}, {"check", check["key"]}};
    if (verdict != "go") {
      process.data["override"] = {
          {"by", actor.name}, {"at", context.now}, {"reason", reason}, {"verdict", verdict}};
      context.audit.push_back(
          {campaign,
           actor.name,
           "override",
           "verdict",
           {{"verdict", verdict}, {"reason", reason}, {"check", check["key"]}}});
    } else {
      process.data["override"] = nullptr;
    }
    process.data["handover"] = BuildHandover(summary->campaign, *item);
    context.audit.push_back(
        {campaign,
         actor.name,
         "approve",
         "state",
         {{"verdict", verdict}, {"check", check["key"]}, {"override", !reason.empty()}}});
    return ProcessReply(process, nullptr);
  });
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
      std::string state = row.Text(1);
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
      if (withdrawn && state == "approved") {
        state = "transfer";
        data["override"] = nullptr;
        data["approved"] = nullptr;
        data["handover"] = nullptr;
        audit.push_back(
            {id, "tandem", "return-to-transfer", "state", {{"reason", "the verdict changed"}}});
      }
      if (state == "transfer") {
        Outcome<bool> recommend = QueueRecommendAfterCheck(c, ws, id, data, key, summary->verdict,
                                                           now, &recommend_jobs, &audit);
        if (!recommend.ok()) return Error::Internal(recommend.error().message);
      }
      const std::string cause = data["check"].value("cause", "manual");
      const std::string state_for_alerts = data["check"].value("state_at_change", row.Text(1));
      std::vector<AlertDraft> alerts =
          AlertsForResult(id, state_for_alerts, cause, Campaign{}, summary->campaign,
                          before ? &*before : nullptr, key);
      Result<Rows> updated = c.Query(
          "UPDATE processes SET state = $1, data = $2, version = version + 1, updated_at = $3 "
          "WHERE workspace_id = $4 AND campaign = $5 AND version = $6",
          {state, data.dump(), now, ws, id, row.Int(3)});
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
