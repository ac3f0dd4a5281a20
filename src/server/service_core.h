// The machinery the services share (internal to tandem_server): the options, the database, the
// clock, the two job runners, the metrics counters and the write pipeline every change to a
// workspace goes through. The services (workspace, process, job, alert, user) each hold a
// reference to one ServiceCore, owned by `Service`, which outlives them.
//
// Thread safety: every method may be called concurrently. The counters are atomics; the runners
// are thread-safe (jobs.h); the database is a pool (store/database.h). `submit_job` is set once,
// before any request is served, and never changed.
#ifndef TANDEM_SRC_SERVER_SERVICE_CORE_H_
#define TANDEM_SRC_SERVER_SERVICE_CORE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/job_claims.h"
#include "server/process_rules.h"
#include "server/scenario_doc.h"
#include "tandem/server/api.h"
#include "tandem/server/jobs.h"
#include "tandem/server/service.h"
#include "tandem/store/database.h"

namespace tandem::server {

// A campaign's process: its state and, in `data`, confirmations, sign-offs, the current check,
// the override and the hand-over (see NewProcessData).
struct ProcessRow {
  std::string campaign;
  process::ProcessState state = process::ProcessState::kDraft;
  nlohmann::json data;
  int64_t version = 0;
};

struct AuditDraft {
  std::string campaign;  // "" when not about one campaign
  std::string actor;
  std::string action;
  std::string target;
  nlohmann::json detail;
};

// A workspace as read in one transaction: its document (settings, entities, files), versions
// and the processes of its campaigns.
struct Snapshot {
  std::string workspace;
  Document doc;
  int64_t settings_version = 0;
  int64_t revision = 0;
  std::map<std::string, int64_t> file_versions;
  std::map<std::string, ProcessRow> processes;

  Entity* Find(const std::string& kind, const std::string& key);
  const Entity* Find(const std::string& kind, const std::string& key) const;
};

// What one write sees and collects: the snapshot it changes, and the consequences to store with
// it (audit entries, alerts, jobs to submit after commit).
struct WriteContext {
  Actor actor{};
  Snapshot snapshot{};
  std::string cause{};  // what changed: campaign, resource, capability, offering, settings, model,
                        // import, process
  std::string now{};
  std::vector<AuditDraft> audit{};
  std::map<std::string, std::vector<AlertDraft>> alerts{};  // by campaign
  nlohmann::json changed_before{};  // the changed entry's body before the write (null: created)
  std::string kind{};               // the entry written, for field errors
  std::string key{};
  std::string target{};                     // "resources/pick-pack", for the audit of consequences
  std::string check_tag{};                  // the check options, part of every check's cache key
  store::Connection* connection = nullptr;  // the transaction's connection
  std::vector<int64_t> queued_jobs{};  // jobs queued by the write itself, submitted after commit
  std::vector<int64_t> queued_recommend_jobs{};  // counter-proposal jobs, submitted after commit
  // When set: the reply's body becomes this campaign's process as the write leaves it (after
  // the withdrawals and re-checks it caused).
  std::string reply_process{};
};

// Counters for /metrics (Prometheus). Atomics: incremented from any thread.
struct ServiceMetrics {
  std::atomic<int64_t> checks_run{0};
  std::atomic<int64_t> checks_cached{0};
  std::atomic<int64_t> checks_failed{0};
  std::atomic<int64_t> check_millis{0};
  std::atomic<int64_t> recommends_run{0};
  std::atomic<int64_t> recommends_cached{0};
  std::atomic<int64_t> recommends_failed{0};
  std::atomic<int64_t> followups_run{0};
  std::atomic<int64_t> actuals_rows{0};
  std::atomic<int64_t> writes{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> logins_failed{0};
};

class ServiceCore {
 public:
  // Sets the default clock when `options.clock` is empty. Opens nothing: Service::Open does.
  explicit ServiceCore(ServiceOptions options);

  ServiceOptions options;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<JobRunner> runner;            // checks (null when options.run_jobs is false)
  std::unique_ptr<JobRunner> recommend_runner;  // counter-proposals, one at a time
  // Claims jobs from the database for the two runners (null when options.run_jobs is false).
  std::unique_ptr<JobClaimer> claimer;
  const std::string replica;          // this server's name in jobs.claimed_by (NewReplicaId)
  std::atomic<bool> stopping{false};  // set by ~Service: long jobs give up
  ServiceMetrics metrics;
  // Hands a committed job row to its runner (set by Service to JobService::Submit).
  std::function<void(int64_t job, const std::string& kind)> submit_job;

  std::string Now() const;                                                // the clock, as text
  std::string TimeText(std::chrono::system_clock::time_point now) const;  // as Now() writes it
  // The expiry of a new API token (1..3650 days; default options.token_lifetime).
  Outcome<std::string> TokenExpiry(std::optional<int> token_days) const;
  std::string CheckTag() const;  // the check options, part of every check's cache key
  size_t PendingJobs() const;    // queued or running, both runners

  // One write to workspace `ws`, in one transaction: locks the workspace, loads it, runs `fn`
  // on the snapshot, validates the result as a scenario, reconciles the processes (withdrawals,
  // re-checks, alerts), stores what changed with its audit and alerts, commits, then submits
  // the jobs it queued. An ApiError from `fn` (or the validation) leaves nothing stored.
  using WriteFn = std::function<Outcome<Reply>(WriteContext&)>;
  Outcome<Reply> Write(const Actor& actor, const std::string& ws, const std::string& cause,
                       const WriteFn& fn);
  // Runs `fn` on a snapshot of workspace `ws` read in one read transaction (404 when absent).
  Outcome<Reply> ReadWorkspace(const std::string& ws,
                               const std::function<Outcome<Reply>(const Snapshot&)>& fn);
  // The same, for a reader that also queries other rows (results, jobs) in that transaction.
  Outcome<Reply> ReadWorkspace(
      const std::string& ws,
      const std::function<Outcome<Reply>(store::Connection&, const Snapshot&)>& fn);
};

// {"confirmations": {}, "signoffs": {}, "check": null, "override": null, "handover": null}
nlohmann::json NewProcessData();

// After a validated change: withdraws confirmations and sign-offs whose basis changed, returns
// approved campaigns that lost a sign-off to transfer, queues re-checks (job rows; their ids are
// appended to `jobs` to be submitted after commit) and raises capability alerts.
Outcome<bool> Reconcile(store::Connection& c, WriteContext& context, const Snapshot& before,
                        const Scenario& scenario, std::vector<int64_t>* jobs);

// If-Match on a versioned thing: 428 without it, 409 (field If-Match) when `current` moved on;
// `what` names it ("the workspace", "resources/pick-pack", "webhooks/ops-chat").
Outcome<int64_t> RequireMatch(std::optional<int64_t> if_match, int64_t current,
                              const std::string& what);

// Runs `body` in one transaction of `database`. The body refuses a request by returning
// `abort(error)`: the transaction rolls back and the call answers that error; any other failed
// Status rolls back and answers 500 with its text. Returns true once committed. The body may run
// more than once (a transient conflict is retried), so it resets whatever it fills.
using AbortWith = std::function<Status(ApiError)>;
Outcome<bool> ApiTransaction(
    store::Database& database,
    const std::function<Status(store::Connection&, const AbortWith&)>& body);

// Appends audit entries and alerts (alert_service.cc) in the caller's transaction.
Outcome<bool> AppendAudit(store::Connection& c, const std::string& ws,
                          const std::vector<AuditDraft>& entries, const std::string& now);
Outcome<bool> AppendAlerts(store::Connection& c, const std::string& ws, const std::string& campaign,
                           const std::vector<AlertDraft>& alerts, const std::string& now);
// The campaign's check scenario: the workspace with only this campaign and the committed ones
// (approved, live, follow-up, closed), and its cache key (SHA-256 of the options, the scenario's
// YAML export and the history files it reads).
struct CampaignScenario {
  Scenario scenario;
  std::string key;
};
CampaignScenario ScenarioForCampaign(const Scenario& full, const Document& document,
                                     const std::map<std::string, ProcessRow>& processes,
                                     const std::string& campaign, const std::string& check_tag);

// The check key of a scenario: SHA-256 of the check options tag, its YAML export and the
// history files it reads. The YAML export is a rendering of the model (WriteScenarioYaml), not a
// round trip: it is the model's canonical text, and every stored key (results, jobs, processes,
// counter-proposal records) was made from it, so hashing anything else would orphan the results
// cache and re-check every campaign once (docs/architecture.md, "The document path").
std::string CheckKeyFor(const Scenario& scenario, const Document& document,
                        const std::string& check_tag);

Outcome<Snapshot> LoadSnapshot(store::Connection& c, const std::string& ws);

// The workspace's model as a validated scenario.
Result<Scenario> ParseSnapshot(const Snapshot& snapshot);

// A job as the workspace is now: its row and, when it is still queued, the campaign's check
// scenario rebuilt from the workspace (nullopt when the workspace or the campaign is gone or
// invalid), the workspace's document and whether the job's key is already in the results cache.
struct QueuedJob {
  std::string ws, campaign, key, status;
  std::optional<CampaignScenario> check;
  Document document;
  bool cached = false;
};
// Reads job `job`; an unknown job has an empty status. Used by both job kinds' runners.
Outcome<QueuedJob> ReadQueuedJob(store::Database& database, int64_t job,
                                 const std::string& check_tag);
// Marks a queued job running (best effort: its status only shows progress).
void MarkJobRunning(store::Database& database, int64_t job);

// A row of the jobs table (kind "check" or "recommend"), queued.
struct NewJob {
  std::string ws;
  std::string campaign;
  std::string kind;  // "check", "recommend", "followup"
  std::string key;
  std::string cause;
  std::string actor;
  std::string now;
};
Outcome<int64_t> InsertJob(store::Connection& c, const NewJob& job);
// Points the process at a new check of `key`, queuing a job (its id appended to `jobs`).
Outcome<bool> QueueCheck(store::Connection& c, WriteContext& context, ProcessRow& process,
                         const std::string& key, std::vector<int64_t>* jobs);
// A stored result (check JSON, or the counter-proposals' record) by key; nullopt when absent.
Outcome<std::optional<nlohmann::json>> LoadResult(store::Connection& c, const std::string& key);
// What a finished check or counter-proposal job stores under its key.
struct JobResult {
  std::string ws;
  std::string key;
  std::string kind;     // "check" or "recommend"
  std::string verdict;  // the results row's verdict column
  std::string body;     // the result's JSON text; unused when `cached`
  double seconds = 0;   // time spent computing it
  bool cached = false;  // already stored: nothing to insert
  std::string inputs;   // a check's scenario document (JSON text; empty: not recorded)
  std::string replica;  // the server completing it: it must still hold the job's claim
};
// The first steps of a job's completing transaction: locks the workspace (the completion is
// ordered with its writes), stores the result unless it was cached (a concurrent job may have
// stored the same key first: theirs stays), marks job `job` done at `now` and returns the stored
// result. Errors are the store's (a serialization failure must reach the retrying transaction);
// a job another server has claimed since is an error too (nothing of this completion is kept).
Result<nlohmann::json> StoreJobResult(store::Connection& c, const JobResult& result, int64_t job,
                                      const std::string& now);
// The inputs stored beside the result at `key` (the scenario document of a check, parsed);
// null when there is no such result or it was stored without them.
Outcome<nlohmann::json> LoadInputs(store::Connection& c, const std::string& key);
// A check scenario as the document its inputs are compared on (the scenario's YAML export read
// as JSON: what the check key hashes, with defaults written out), as JSON text.
std::string InputsText(const Scenario& scenario);
// A campaign of the workspace, found: FindProcess gives its process row, FindCampaign its entry
// in the workspace parsed as a scenario (which costs the parse). Both answer 404 "no campaign
// 'ID' in WS"; FindCampaign answers 500 when the stored workspace does not parse.
Outcome<ProcessRow*> FindProcess(Snapshot& snapshot, const std::string& ws,
                                 const std::string& campaign);
Outcome<const ProcessRow*> FindProcess(const Snapshot& snapshot, const std::string& ws,
                                       const std::string& campaign);
struct ParsedCampaign {
  Scenario scenario;  // the whole workspace
  size_t index = 0;   // of the campaign in scenario.campaigns
  const Campaign& campaign() const { return scenario.campaigns[index]; }
};
Outcome<ParsedCampaign> FindCampaign(const Snapshot& snapshot, const std::string& ws,
                                     const std::string& campaign);
// Whether the workspace has an offering: a scenario (a check, an export) needs one.
bool HasOfferings(const Document& document);
// A campaign about to be checked or searched (its check or counter-proposals requested): its
// process row in `context`'s snapshot and its check scenario (ScenarioForCampaign). 404 for an
// unknown campaign, 409 when the workspace has no offerings yet, 500 when it does not parse.
struct CampaignToCheck {
  ProcessRow* process = nullptr;  // points into context.snapshot
  CampaignScenario check;
};
Outcome<CampaignToCheck> FindCampaignToCheck(WriteContext& context, const std::string& ws,
                                             const std::string& campaign);
// What the process core decides on: the stored process, the campaign's entry in `snapshot` (its
// window and announce date; for a campaign in follow-up, the day its returns mature, from the
// parsed workspace) and the time now (as ServiceCore::Now writes it; its date is "today").
process::ProcessFacts FactsFor(const ProcessRow& row, const Snapshot& snapshot,
                               const std::string& now);

// The clock's moves in workspace `ws` now (the process core's DecideClock, repeated per campaign
// until it refuses): one write, audited per move with actor "clock", when any is due; nothing
// written otherwise. Returns the moves as {"campaign", "from", "to"}.
Outcome<std::vector<nlohmann::json>> AdvanceWorkspaceByClock(ServiceCore& core,
                                                             const std::string& ws);
// The core's refusal as the API reports it (403, 409 with the fields, 400 for a missing text).
ApiError RefusalError(const process::Refusal& refusal);
// The process as GET .../process shows it to the writing actor (with the actions it may take),
// at the version after the current write. `view_body`: the campaign entry whose name and window
// the view shows (null: none).
Reply ProcessReply(const ProcessRow& process, const nlohmann::json* view_body,
                   const WriteContext& context);

// Counter-proposals. Their key: SHA-256 of a version tag, the campaign's id and its check key
// (the check scenario of two committed campaigns can be the same; their counter-proposals are
// not).
std::string RecommendKey(const std::string& campaign, const std::string& check_key);
// In transfer, a finished check whose verdict is not go gets counter-proposals: queues a
// recommend job for `check_key` unless the process already has (or had) them for that content.
// Updates `data["recommend"]`, appends the job id and an audit entry.
Outcome<bool> QueueRecommendAfterCheck(store::Connection& c, const std::string& ws,
                                       const std::string& campaign, nlohmann::json& data,
                                       const std::string& check_key, const std::string& verdict,
                                       const std::string& now, std::vector<int64_t>* jobs,
                                       std::vector<AuditDraft>* audit);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_SERVICE_CORE_H_
