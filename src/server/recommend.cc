// Counter-proposals in the process: `tandem recommend` run on the server in the background on a
// campaign's check scenario, cached by content, read with progress, and one option adopted as a
// single write (the campaign, or its bookings, changed exactly as `--apply N` changes a file).
//
// The stored record (table `results`, kind `recommend`) is
//   {"json": the text of `tandem recommend --json` for the campaign, "campaign", "verdict",
//    "options": [{"lever", "levers", "summary", "verdict", "campaign": the campaign's entry with
//                 the option applied (the scenario format's JSON form), "check_key": the check key
//                 of the scenario with the option applied}]}
// so that adopting option N needs no search: its entry is written into the workspace and the
// workspace's new check key must equal the option's (else nothing is written), which makes the
// re-check simulate exactly the scenario the option was verified on.
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "server/crypto.h"
#include "server/service_core.h"
#include "tandem/advise/recommend.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/advise_output.h"
#include "tandem/server/job_service.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

// Part of every recommend key: change it when the search or its output changes meaning.
constexpr const char* kRecommendTag = "tandem-recommend/1";

// Approximate progress (0..1) from the search's stage messages: each stage starts at a fixed
// fraction; re-checks of candidates creep towards 0.95. Never decreases.
double NextFraction(const std::string& message, double current) {
  struct Stage {
    const char* prefix;
    double at;
    bool repeats;
  };
  static const Stage kStages[] = {
      {"checking ", 0.05, false},
      {"measuring promise levels", 0.15, false},
      {"searching the largest cap", 0.25, false},
      {"searching the least extra capacity", 0.40, false},
      {"searching the earliest window", 0.55, false},
      {"re-checking a combination", 0.85, true},
      {"re-checking", 0.65, true},
  };
  for (const Stage& stage : kStages) {
    if (message.rfind(stage.prefix, 0) != 0) continue;
    if (stage.repeats) return std::max(stage.at, current + (0.95 - current) * 0.15);
    return std::max(current, stage.at);
  }
  return current;
}

std::string IdText(const ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Campaign `id` of `scenario` in the workspace's JSON form: the scenario format as the writer
// writes it (WriteScenarioJson: what an import of the exported file would store).
Result<json> CampaignEntry(const Scenario& scenario, const std::string& id) {
  const ordered_json root = WriteScenarioJson(scenario);
  if (root.is_object() && root.contains("campaigns") && root["campaigns"].is_array()) {
    for (const ordered_json& item : root["campaigns"]) {
      if (item.is_object() && item.contains("id") && IdText(item["id"]) == id) return json(item);
    }
  }
  return Error::Internal("campaign " + id + " is missing from the scenario's export");
}

// The stored entry `body` with what changed from `from` to `to` (two written forms of the
// campaign): changed keys take the written value, removed keys go, and in a list that kept its
// length only the changed elements are replaced. Everything else stays as it was written.
json Patched(json body, const json& from, const json& to) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : from.items()) keys.push_back(key);
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) keys.push_back(key);
  }
  for (const std::string& key : keys) {
    const bool in_from = from.contains(key);
    const bool in_to = to.contains(key);
    if (in_from && in_to && from[key] == to[key]) continue;
    if (!in_to) {
      body.erase(key);
      continue;
    }
    if (in_from && from[key].is_array() && to[key].is_array() &&
        from[key].size() == to[key].size() && body.contains(key) && body[key].is_array() &&
        body[key].size() == to[key].size()) {
      for (size_t i = 0; i < to[key].size(); ++i) {
        if (from[key][i] != to[key][i]) body[key][i] = to[key][i];
      }
      continue;
    }
    body[key] = to[key];
  }
  return body;
}

const json* StoredRecommend(const json& data) {
  if (!data.is_object() || !data.contains("recommend") || !data["recommend"].is_object())
    return nullptr;
  return &data["recommend"];
}

// GET .../recommend for a process: `current_key` is the key of the counter-proposals for the
// campaign as it is now. Done: the body has "result" (parsed), and `text` carries the same
// envelope with the result spliced in byte for byte as `tandem recommend --json` prints it.
// `unseen` (optional) is set when the process says queued but the runner does not have the job:
// not submitted yet, or finished after this read's snapshot was taken (read again to tell).
Outcome<Reply> RecommendReply(Connection& c, const ProcessRow& process,
                              const std::string& current_key, const JobRunner* runner,
                              bool* unseen = nullptr) {
  json body = {{"campaign", process.campaign}, {"key", current_key}, {"job", nullptr}};
  std::string status = "none";
  double progress = 0;
  const json* stored = StoredRecommend(process.data);
  if (stored) {
    body["job"] = stored->value("job", json(nullptr));
    for (const char* field : {"requested_at", "requested_by", "finished_at", "adopted"}) {
      if (stored->contains(field)) body[field] = (*stored)[field];
    }
    if (stored->value("key", "") != current_key) {
      status = "superseded";
    } else {
      status = stored->value("status", "queued");
      if (status == "queued" && runner && body["job"].is_number_integer()) {
        if (std::optional<JobRunner::Progress> running = runner->Get(body["job"].get<int64_t>())) {
          if (running->running) status = "running";
          if (running->total > 0)
            progress = static_cast<double>(running->done) / static_cast<double>(running->total);
          if (!running->stage.empty()) body["stage"] = running->stage;
        } else if (unseen) {
          *unseen = true;
        }
      }
      if (status == "failed") body["error"] = stored->value("error", "");
    }
  }
  std::optional<std::string> text;
  if (status == "done") {
    Outcome<std::optional<json>> record = LoadResult(c, current_key);
    if (!record.ok()) return record.error();
    if (record.value() && record.value()->is_object() && (*record.value())["json"].is_string()) {
      text = (*record.value())["json"].get<std::string>();
      while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
      progress = 1;
    } else {
      status = "none";  // the result is no longer stored: request it again
    }
  }
  body["status"] = status;
  body["progress"] = progress;
  Reply reply;
  reply.body = body;
  if (text) {
    reply.body["result"] = json::parse(*text, nullptr, false);
    std::string envelope = body.dump();
    envelope.pop_back();  // the closing brace
    reply.text = envelope + ",\"result\":" + *text + "}";
    reply.content_type = "application/json";
  }
  return reply;
}

bool IsRole(const Actor& actor, std::initializer_list<Role> roles) {
  return std::find(roles.begin(), roles.end(), actor.role) != roles.end();
}

}  // namespace

std::string RecommendKey(const std::string& campaign, const std::string& check_key) {
  return Sha256Hex(std::string(kRecommendTag) + "\n" + campaign + "\n" + check_key);
}

Outcome<bool> QueueRecommendAfterCheck(Connection& c, const std::string& ws,
                                       const std::string& campaign, json& data,
                                       const std::string& check_key, const std::string& verdict,
                                       const std::string& now, std::vector<int64_t>* jobs,
                                       std::vector<AuditDraft>* audit) {
  if (verdict == "go") return false;
  const std::string key = RecommendKey(campaign, check_key);
  const json* stored = StoredRecommend(data);
  if (stored && stored->value("key", "") == key)
    return false;  // there (or failed): not again by itself
  Outcome<int64_t> job = InsertJob(c, {.ws = ws,
                                       .campaign = campaign,
                                       .kind = "recommend",
                                       .key = key,
                                       .cause = "check",
                                       .actor = "tandem",
                                       .now = now});
  if (!job.ok()) return job.error();
  data["recommend"] = {
      {"key", key},       {"check_key", check_key}, {"job", job.value()},      {"status", "queued"},
      {"cause", "check"}, {"requested_at", now},    {"requested_by", "tandem"}};
  jobs->push_back(job.value());
  audit->push_back(
      {.campaign = campaign,
       .actor = "tandem",
       .action = "recommend-queued",
       .target = "recommend",
       .detail = {
           {"key", key}, {"job", job.value()}, {"reason", "the check's verdict is " + verdict}}});
  return true;
}

// ---------------------------------------------------------------------------------------------
// Requesting and reading

namespace {

// The 202 body of counter-proposals queued (or running) for `key`.
json QueuedBody(const json& stored, const std::string& key, const JobRunner* runner) {
  std::string status = "queued";
  const json job = stored.value("job", json(nullptr));
  if (runner && job.is_number_integer()) {
    std::optional<JobRunner::Progress> progress = runner->Get(job.get<int64_t>());
    if (progress && progress->running) status = "running";
  }
  return json{{"job", job}, {"status", status}, {"key", key}};
}

// A request for counter-proposals of content unchanged since they were queued or done: the
// answer from a read (no write); nullopt when a write is needed.
std::optional<Outcome<Reply>> UnchangedRecommendations(Connection& c, const std::string& ws,
                                                       const std::string& campaign,
                                                       const std::string& check_tag,
                                                       const JobRunner* runner) {
  Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
  if (!snapshot.ok()) return Outcome<Reply>(snapshot.error());
  Outcome<const ProcessRow*> process = FindProcess(std::as_const(snapshot.value()), ws, campaign);
  if (!process.ok()) return Outcome<Reply>(process.error());
  const json* stored = StoredRecommend(process.value()->data);
  if (!stored) return std::nullopt;
  const std::string status = stored->value("status", "");
  if (status != "queued" && status != "done") return std::nullopt;
  Result<Scenario> scenario = ParseSnapshot(snapshot.value());
  if (!scenario.ok() || !scenario.value().FindCampaign(campaign)) return std::nullopt;
  const std::string key =
      RecommendKey(campaign, ScenarioForCampaign(scenario.value(), snapshot.value().doc,
                                                 snapshot.value().processes, campaign, check_tag)
                                 .key);
  if (stored->value("key", "") != key) return std::nullopt;
  if (status == "done") {
    Outcome<Reply> reply = RecommendReply(c, *process.value(), key, runner);
    if (!reply.ok() || reply.value().body.value("status", "") == "done") return reply;
    return std::nullopt;
  }
  Reply reply;
  reply.status = 202;
  reply.body = QueuedBody(*stored, key, runner);
  return Outcome<Reply>(std::move(reply));
}

}  // namespace

Outcome<Reply> JobService::RequestRecommendations(const Actor& actor, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  std::optional<Outcome<Reply>> unchanged;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    unchanged =
        UnchangedRecommendations(c, ws, campaign, core_.CheckTag(), core_.recommend_runner.get());
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (unchanged) return std::move(*unchanged);
  return core_.Write(actor, ws, "manual", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<CampaignToCheck> found = FindCampaignToCheck(context, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value().process;
    const CampaignScenario& check = found.value().check;
    const std::string key = RecommendKey(campaign, check.key);
    Connection& c = *context.connection;
    const json* stored = StoredRecommend(process.data);
    if (stored && stored->value("key", "") == key && stored->value("status", "") == "queued") {
      Reply reply;
      reply.status = 202;
      reply.body = QueuedBody(*stored, key, core_.recommend_runner.get());
      return reply;
    }
    Outcome<std::optional<json>> cached = LoadResult(c, key);
    if (!cached.ok()) return cached.error();
    if (cached.value() && cached.value()->is_object()) {
      // The same content was searched before (here or in another workspace): no job.
      const json& record = *cached.value();
      process.data["recommend"] = {
          {"key", key},
          {"check_key", check.key},
          {"job", nullptr},
          {"status", "done"},
          {"cause", "manual"},
          {"cached", true},
          {"verdict", record.value("verdict", "go")},
          {"options", record.contains("options") ? record["options"].size() : 0},
          {"requested_at", context.now},
          {"requested_by", actor.name},
          {"finished_at", context.now}};
      context.audit.push_back({.campaign = campaign,
                               .actor = actor.name,
                               .action = "recommend-requested",
                               .target = "recommend",
                               .detail = {{"key", key}, {"cached", true}}});
      Outcome<Reply> reply = RecommendReply(c, process, key, core_.recommend_runner.get());
      if (!reply.ok()) return reply.error();
      reply.value().status = 200;
      return reply;
    }
    Outcome<int64_t> job = InsertJob(c, {.ws = ws,
                                         .campaign = campaign,
                                         .kind = "recommend",
                                         .key = key,
                                         .cause = "manual",
                                         .actor = actor.name,
                                         .now = context.now});
    if (!job.ok()) return job.error();
    process.data["recommend"] = {{"key", key},
                                 {"check_key", check.key},
                                 {"job", job.value()},
                                 {"status", "queued"},
                                 {"cause", "manual"},
                                 {"requested_at", context.now},
                                 {"requested_by", actor.name}};
    context.queued_recommend_jobs.push_back(job.value());
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "recommend-requested",
                             .target = "recommend",
                             .detail = {{"key", key}, {"job", job.value()}}});
    Reply reply;
    reply.status = 202;
    reply.body = {{"job", job.value()}, {"status", "queued"}, {"key", key}};
    return reply;
  });
}

Outcome<Reply> JobService::GetRecommendations(const Actor&, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  // A job that finishes between this read's snapshot and the look at the runner would read as
  // queued with no progress: a second read sees it done (it completes before the runner drops it).
  for (int attempt = 0;; ++attempt) {
    bool unseen = false;
    Outcome<Reply> reply = ReadRecommendations(ws, campaign, &unseen);
    if (!unseen || attempt > 0 || !reply.ok()) return reply;
  }
}

Outcome<Reply> JobService::ReadRecommendations(const std::string& ws, const std::string& campaign,
                                               bool* unseen) {
  return core_.ReadWorkspace(ws, [&](Connection& c, const Snapshot& snapshot) -> Outcome<Reply> {
    Outcome<const ProcessRow*> process = FindProcess(snapshot, ws, campaign);
    if (!process.ok()) return process.error();
    Result<Scenario> scenario = ParseSnapshot(snapshot);
    if (!scenario.ok())
      return ApiError::Internal("stored workspace does not parse: " + scenario.error().ToString());
    std::string key;
    if (scenario.value().FindCampaign(campaign)) {
      key =
          RecommendKey(campaign, ScenarioForCampaign(scenario.value(), snapshot.doc,
                                                     snapshot.processes, campaign, core_.CheckTag())
                                     .key);
    }
    return RecommendReply(c, *process.value(), key, core_.recommend_runner.get(), unseen);
  });
}

// ---------------------------------------------------------------------------------------------
// Adopting an option

namespace {

// Option `number` of the stored counter-proposals `record`, if the actor may adopt it: options
// that book capacity (expand) are operations' and admin's, the others marketing's and admin's.
Outcome<const json*> ChooseOption(const json& record, int64_t number, const std::string& campaign,
                                  const Actor& actor) {
  const json& options = record["options"];
  if (options.empty()) {
    return ApiError::Conflict("campaign " + campaign + " is " + record.value("verdict", "go") +
                                  ": there is no counter-proposal to adopt",
                              "option");
  }
  if (number > static_cast<int64_t>(options.size())) {
    return ApiError::Field("option",
                           "there is no option " + std::to_string(number) + " for " + campaign,
                           "1 to " + std::to_string(options.size()));
  }
  const json& option = options[static_cast<size_t>(number - 1)];
  if (!option.value("campaign", json(nullptr)).is_object())
    return ApiError::Internal("the stored option " + std::to_string(number) + " has no campaign");
  bool books = false;
  for (const json& lever : option.value("levers", json::array()))
    books = books || lever == "expand";
  if (books && !IsRole(actor, {Role::kOperations, Role::kAdmin})) {
    return ApiError::Forbidden(
        "option " + std::to_string(number) + " (" + option.value("lever", "") +
            ") books capacity: bookings are operations' (and admin's) to adopt",
        "bookings");
  }
  if (!books && !IsRole(actor, {Role::kMarketing, Role::kAdmin})) {
    return ApiError::Forbidden(
        "option " + std::to_string(number) + " (" + option.value("lever", "") +
        ") changes the campaign: marketing (the campaign owner) and admin adopt it");
  }
  return &option;
}

}  // namespace

Outcome<Reply> JobService::AdoptOption(const Actor& actor, const CampaignRef& ref,
                                       const Parsed<AdoptRequest>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  if (!IsRole(actor, {Role::kMarketing, Role::kOperations, Role::kAdmin})) {
    return ApiError::Forbidden(
        std::string(RoleName(actor.role)) +
        " may not adopt counter-proposals (marketing and admin: the campaign; operations and "
        "admin: bookings)");
  }
  if (!request.ok()) return request.error();
  const int64_t number = request.value().option;
  const std::string& wanted = request.value().key;
  return core_.Write(actor, ws, "campaign", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (process.state == process::ProcessState::kClosed)
      return ApiError::Conflict("campaign " + campaign + " is closed", "state");
    Entity* entity = context.snapshot.Find("campaigns", campaign);
    if (!entity) return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
    Outcome<ParsedCampaign> parsed = FindCampaign(context.snapshot, ws, campaign);
    if (!parsed.ok()) return parsed.error();
    const CampaignScenario check =
        ScenarioForCampaign(parsed.value().scenario, context.snapshot.doc,
                            context.snapshot.processes, campaign, context.check_tag);
    const std::string key = RecommendKey(campaign, check.key);
    if (wanted != key)
      return ApiError::Conflict(
          "these counter-proposals are out of date: the campaign, or something it depends on, "
          "changed since they were computed (current key " +
              key + ")",
          "key");
    Outcome<std::optional<json>> stored = LoadResult(*context.connection, key);
    if (!stored.ok()) return stored.error();
    if (!stored.value() || !stored.value()->is_object() ||
        !(*stored.value())["options"].is_array()) {
      return ApiError::Conflict(
          "the counter-proposals for the campaign as it is now are not ready (POST .../recommend)",
          "key");
    }
    Outcome<const json*> chosen = ChooseOption(*stored.value(), number, campaign, actor);
    if (!chosen.ok()) return chosen.error();
    const json& option = *chosen.value();
    const json entry = option["campaign"];
    // The option's campaign entry, written over the stored one where it differs.
    Result<json> written = CampaignEntry(check.scenario, campaign);
    if (!written.ok()) return ApiError::Internal(written.error().ToString());
    const json before = entity->body;
    entity->body = Patched(entity->body, written.value(), entry);
    context.kind = "campaigns";
    context.key = campaign;
    context.target = "campaigns/" + campaign;
    context.changed_before = before;
    // The workspace now holds exactly the scenario the option was verified on, or nothing changes.
    Result<Scenario> applied = ParseSnapshot(context.snapshot);
    if (!applied.ok())
      return ApiError::Internal("option " + std::to_string(number) +
                                " does not read back: " + applied.error().ToString());
    const CampaignScenario recheck =
        ScenarioForCampaign(applied.value(), context.snapshot.doc, context.snapshot.processes,
                            campaign, context.check_tag);
    if (recheck.key != option.value("check_key", "")) {
      return ApiError::Internal(
          "option " + std::to_string(number) +
          " could not be written into the workspace exactly as it was checked; nothing changed");
    }
    const std::string state_before = process::StateName(process.state);
    std::vector<int64_t> jobs;
    Outcome<bool> queued = QueueCheck(*context.connection, context, process, recheck.key, &jobs);
    if (!queued.ok()) return queued.error();
    context.queued_jobs.insert(context.queued_jobs.end(), jobs.begin(), jobs.end());
    process.data["check"]["state_at_change"] = state_before;
    const json adopted = {{"option", number},
                          {"lever", option.value("lever", "")},
                          {"summary", option.value("summary", "")},
                          {"verdict", option.value("verdict", "")},
                          {"key", key},
                          {"check", recheck.key},
                          {"by", actor.name},
                          {"at", context.now}};
    if (!StoredRecommend(process.data)) {
      process.data["recommend"] = {
          {"key", key}, {"check_key", check.key}, {"job", nullptr}, {"status", "done"}};
    }
    process.data["recommend"]["adopted"] = adopted;
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "adopt-option",
                             .target = "campaigns/" + campaign,
                             .detail = {{"option", number},
                                        {"lever", option.value("lever", "")},
                                        {"summary", option.value("summary", "")},
                                        {"verdict", option.value("verdict", "")},
                                        {"key", key},
                                        {"before", before},
                                        {"after", entity->body},
                                        {"version", entity->version + 1}}});
    context.audit.push_back(
        {.campaign = campaign,
         .actor = actor.name,
         .action = "recheck",
         .target = "campaigns/" + campaign,
         .detail = {{"key", recheck.key}, {"job", jobs.front()}, {"cause", "adopt-option"}}});
    context.reply_process = campaign;
    return Reply{};
  });
}

// ---------------------------------------------------------------------------------------------
// The recommend job

namespace {

// Ends recommend job `job` with `final_status` ("superseded", "failed") and marks the processes
// that point at it so.
void FinishRecommendJob(ServiceCore& core, int64_t job, const std::string& ws,
                        const std::string& final_status, const std::string& error) {
  (void)core.database->Transaction([&](Connection& c) -> Status {
    Result<Rows> locked = c.Query("UPDATE workspaces SET revision = revision WHERE id = $1", {ws});
    if (!locked.ok()) return locked.error();
    Result<bool> ended = EndJob(c, job, core.replica, final_status, error, core.Now());
    if (!ended.ok()) return ended.error();
    if (!ended.value()) return OkStatus();  // claimed by another server since: theirs to end
    Result<Rows> processes =
        c.Query("SELECT campaign, data, version FROM processes WHERE workspace_id = $1", {ws});
    if (!processes.ok()) return processes.error();
    for (const store::Row& row : processes.value().rows) {
      json data = json::parse(row.Text(1), nullptr, false);
      const json* stored = StoredRecommend(data);
      if (!stored || stored->value("job", json(nullptr)) != json(job)) continue;
      data["recommend"]["status"] = final_status;
      if (!error.empty()) data["recommend"]["error"] = error;
      data["recommend"]["finished_at"] = core.Now();
      Result<Rows> updated = c.Query(
          "UPDATE processes SET data = $1, version = version + 1 WHERE workspace_id = $2 AND "
          "campaign = $3 AND version = $4",
          {data.dump(), ws, row.Text(0), row.Int(2)});
      if (!updated.ok()) return updated.error();
    }
    return OkStatus();
  });
}

// The stored record of a search (see the top of this file); `verdict` is set to the campaign's.
Result<json> RecommendRecord(const Recommendations& result, const QueuedJob& queued,
                             const std::string& check_tag, std::string* verdict) {
  const std::string& campaign = queued.campaign;
  json record = {{"json", RecommendationsToJson(result, queued.check->scenario.currency)},
                 {"campaign", campaign},
                 {"verdict", "go"},
                 {"options", json::array()}};
  for (const CampaignRecommendation& recommendation : result.campaigns) {
    if (recommendation.id != campaign) continue;
    *verdict = VerdictName(recommendation.verdict);
    for (const RecommendOption& option : recommendation.options) {
      Result<json> entry = CampaignEntry(option.applied, campaign);
      if (!entry.ok()) return entry.error();
      json levers = json::array();
      for (const LeverChange& change : option.changes) levers.push_back(change.lever);
      record["options"].push_back(
          {{"lever", option.lever},
           {"levers", levers},
           {"summary", option.summary},
           {"verdict", VerdictName(option.verdict)},
           {"campaign", entry.value()},
           {"check_key", CheckKeyFor(option.applied, queued.document, check_tag)}});
    }
  }
  record["verdict"] = *verdict;
  return record;
}

// Marks process `row` (campaign, data, version) done when it waits on the counter-proposals of
// `key`, with the audit entry.
Status CompleteRecommendProcess(Connection& c, const std::string& ws, const std::string& key,
                                const json& record, bool cached, const std::string& now,
                                const store::Row& row) {
  const size_t options = record.contains("options") ? record["options"].size() : 0;
  json data = json::parse(row.Text(1), nullptr, false);
  const json* stored = StoredRecommend(data);
  if (!stored || stored->value("key", "") != key || stored->value("status", "") == "done")
    return OkStatus();
  json& entry = data["recommend"];
  entry["status"] = "done";
  entry["finished_at"] = now;
  entry["verdict"] = record.value("verdict", "go");
  entry["options"] = options;
  entry["cached"] = cached;
  entry.erase("error");
  Result<Rows> updated = c.Query(
      "UPDATE processes SET data = $1, version = version + 1, updated_at = $2 "
      "WHERE workspace_id = $3 AND campaign = $4 AND version = $5",
      {data.dump(), now, ws, row.Text(0), row.Int(2)});
  if (!updated.ok()) return updated.error();
  if (updated.value().affected != 1) return Error::Internal("process changed during completion");
  Outcome<bool> audited = AppendAudit(c, ws,
                                      {{.campaign = row.Text(0),
                                        .actor = "tandem",
                                        .action = "recommend-done",
                                        .target = "recommend",
                                        .detail = {{"key", key},
                                                   {"options", options},
                                                   {"verdict", entry["verdict"]},
                                                   {"cached", cached}}}},
                                      now);
  if (!audited.ok()) return Error::Internal(audited.error().message);
  return OkStatus();
}

}  // namespace

// Rebuilds the campaign's check scenario from the workspace as it is now; a key that no longer
// matches the job's is superseded. Otherwise takes the record from the cache or searches
// (Recommend, with the check's scenario count and threads), then completes in one transaction:
// stores the record and marks every process waiting on this key done.
void JobService::RunRecommendJob(int64_t job, const JobRunner::ProgressFn& progress) {
  const std::string check_tag = core_.CheckTag();
  Outcome<QueuedJob> read = ReadQueuedJob(*core_.database, job, check_tag);
  if (!read.ok() || read.value().status != "queued") return;
  // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const QueuedJob& queued = read.value();
  const auto& ws = queued.ws;
  const auto& campaign = queued.campaign;
  const auto& key = queued.key;
  const auto& check = queued.check;
  const auto& cached = queued.cached;
  if (!check || RecommendKey(campaign, check->key) != key) {
    FinishRecommendJob(core_, job, ws, "superseded", "");
    return;
  }
  std::string body;
  std::string verdict = "go";
  double seconds = 0;
  if (cached) {
    ++core_.metrics.recommends_cached;
  } else {
    MarkJobRunning(*core_.database, job);
    RecommendOptions options;
    options.campaign = campaign;
    options.scenarios =
        core_.options.check_scenarios;  // as the check: the options' verdicts are the check's
    options.threads = core_.options.check_threads;
    double fraction = 0;
    options.progress = [&](const std::string& message) {
      // Between stages: a stopping server abandons the search (the job stays running and is
      // queued again at the next start).
      if (core_.stopping) throw std::runtime_error("the server is stopping");
      fraction = NextFraction(message, fraction);
      progress(static_cast<int64_t>(fraction * 1000), 1000);
      if (core_.recommend_runner) core_.recommend_runner->SetStage(job, message);
    };
    const auto started = std::chrono::steady_clock::now();
    Result<Recommendations> result = Recommend(check->scenario, options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!result.ok()) {
      if (core_.stopping) return;  // abandoned, not failed
      ++core_.metrics.recommends_failed;
      FinishRecommendJob(core_, job, ws, "failed", JobErrorText(result.error()));
      return;
    }
    Result<json> record = RecommendRecord(result.value(), queued, check_tag, &verdict);
    if (!record.ok()) {
      ++core_.metrics.recommends_failed;
      FinishRecommendJob(core_, job, ws, "failed", record.error().ToString());
      return;
    }
    body = record.value().dump();
    ++core_.metrics.recommends_run;
  }
  Status completed = core_.database->Transaction([&](Connection& c) -> Status {
    const std::string now = core_.Now();
    Result<json> record = StoreJobResult(c,
                                         {.ws = ws,
                                          .key = key,
                                          .kind = "recommend",
                                          .verdict = verdict,
                                          .body = body,
                                          .seconds = seconds,
                                          .cached = cached,
                                          .inputs = "",
                                          .replica = core_.replica},
                                         job, now);
    if (!record.ok()) return record.error();
    Result<Rows> processes =
        c.Query("SELECT campaign, data, version FROM processes WHERE workspace_id = $1", {ws});
    if (!processes.ok()) return processes.error();
    for (const store::Row& row : processes.value().rows) {
      Status process_done = CompleteRecommendProcess(c, ws, key, record.value(), cached, now, row);
      if (!process_done.ok()) return process_done;
    }
    return OkStatus();
  });
  if (!completed.ok()) FinishRecommendJob(core_, job, ws, "failed", completed.error().ToString());
}

}  // namespace tandem::server
