// The service layer of `tandem serve`: workspaces holding the scenario model, users and roles,
// and the Groundwork -> Transfer -> Follow-up process of each campaign. The HTTP front end
// (http_server.h) is a thin client of this class; tests call it directly as well.
//
// Rules it keeps (docs/server.md has the reasons):
// - Every call checks the actor's role; no one acts outside it (ApiError 403).
// - Every write is one database transaction that locks its workspace, applies the change,
//   validates the whole workspace as a scenario (ParseScenario), records the audit log and the
//   consequences (withdrawn confirmations and sign-offs, re-checks, alerts), then commits. A
//   write that would leave the workspace invalid is refused with the fields it breaks (422).
// - Updates carry the version they were based on (If-Match); a stale version is 409, a missing
//   one 428. Creates and process actions need none.
// - Checks run in the background (JobRunner), cached by the content hash of the campaign's
//   scenario (its YAML export, history files and options). Counter-proposals (`tandem
//   recommend`) run the same way on the same scenario, on a runner of their own so that a long
//   search never delays a check; one of them is adopted as one write.
//
// Usage:
//   Outcome<std::unique_ptr<Service>> service = Service::Open(options);
//   Outcome<Reply> reply = service.value()->GetProcess(actor, "greenleaf", "spring-40");
//
// Thread safety: every method may be called concurrently from any thread.
#ifndef TANDEM_SERVER_SERVICE_H_
#define TANDEM_SERVER_SERVICE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tandem/server/alert_service.h"
#include "tandem/server/api.h"
#include "tandem/server/job_service.h"
#include "tandem/server/process_service.h"
#include "tandem/server/service_types.h"
#include "tandem/server/user_service.h"
#include "tandem/server/webhooks.h"
#include "tandem/server/workspace_service.h"

namespace tandem::server {

class ServiceCore;

class Service {
 public:
  using json = nlohmann::json;

  // Opens the database, runs the migrations, resubmits unfinished checks.
  static Outcome<std::unique_ptr<Service>> Open(ServiceOptions options);
  // Stops the runners (running jobs finish or give up at their next stage) before the services.
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // ---- the services (valid as long as this Service)
  UserService& users() { return *users_; }
  WorkspaceService& workspaces() { return *workspaces_; }
  ProcessService& process() { return *process_; }
  JobService& jobs() { return *jobs_; }
  AlertService& alerts() { return *alerts_; }

  // The calls below forward to those services (see their headers for the contracts).

  // ---- users and authentication
  // `token_days`: the token's lifetime (1..3650 days; default ServiceOptions::token_lifetime).
  Outcome<Credential> AddUser(const std::string& name, const std::string& role, bool token,
                              std::optional<int> token_days = std::nullopt);
  Outcome<Credential> NewToken(const std::string& name,  // another API token for a user
                               std::optional<int> token_days = std::nullopt);
  // Admin: a user's API tokens without their secrets: {"items": [{id, created_at, expires_at,
  // expired}]}.
  Outcome<Reply> ListTokens(const Actor& actor, const std::string& name);
  // Admin: revokes one token of the user (`id`) or all of them (nullopt): {"revoked": count}.
  // An unknown user or token id is 404.
  Outcome<Reply> RevokeTokens(const Actor& actor, const std::string& name,
                              std::optional<int64_t> id);
  Outcome<Session> Login(const std::string& name, const std::string& password);
  Outcome<Authenticated> AuthenticateBearer(const std::string& token);
  Outcome<Authenticated> AuthenticateSession(const std::string& token);
  void Logout(const std::string& session_token);
  Outcome<Reply> ListUsers(const Actor& actor);
  Outcome<Reply> CreateUser(const Actor& actor, const json& body);  // {name, role, credential}

  // ---- workspaces and the scenario model
  Outcome<Reply> ListWorkspaces(const Actor& actor);
  Outcome<Reply> CreateWorkspace(const Actor& actor, const json& body);  // {id, settings}
  Outcome<Reply> GetWorkspace(const Actor& actor, const std::string& ws);
  Outcome<Reply> PutSettings(const Actor& actor, const std::string& ws, const json& body,
                             std::optional<int64_t> if_match);
  Outcome<Reply> DeleteWorkspace(const Actor& actor, const std::string& ws,
                                 std::optional<int64_t> if_match);
  // kind: calendars, resources, capabilities, offerings, messaging, campaigns.
  Outcome<Reply> ListEntities(const Actor& actor, const std::string& ws, const std::string& kind);
  Outcome<Reply> GetEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                           const std::string& id);
  // Creates (no If-Match, 201) or replaces (If-Match required) one entry.
  Outcome<Reply> PutEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                           const std::string& id, const json& body,
                           std::optional<int64_t> if_match);
  Outcome<Reply> DeleteEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                              const std::string& id, std::optional<int64_t> if_match);
  // A part owned by another function: a campaign's `bookings` (operations), an offering's
  // `loads` (service, operations). The version is the entity's.
  Outcome<Reply> PutPart(const Actor& actor, const std::string& ws, const std::string& kind,
                         const std::string& id, const std::string& part, const json& value,
                         std::optional<int64_t> if_match);
  Outcome<Reply> ListFiles(const Actor& actor, const std::string& ws);
  Outcome<Reply> GetFile(const Actor& actor, const std::string& ws, const std::string& path);
  Outcome<Reply> PutFile(const Actor& actor, const std::string& ws, const std::string& path,
                         const std::string& text, std::optional<int64_t> if_match);
  Outcome<Reply> DeleteFile(const Actor& actor, const std::string& ws, const std::string& path,
                            std::optional<int64_t> if_match);
  // The workspace as one scenario file (YAML); bundle: {"scenario": YAML, "files": {path: text}}.
  Outcome<Reply> Export(const Actor& actor, const std::string& ws, bool bundle);
  // Replaces the workspace's model with a scenario file (creating the workspace if needed).
  // `files` are the history files it names. Campaign processes of kept campaigns stay.
  Outcome<Reply> Import(const Actor& actor, const std::string& ws, const std::string& text,
                        const std::map<std::string, std::string>& files,
                        const std::string& display_name);

  // ---- the process
  Outcome<Reply> ListProcesses(const Actor& actor, const std::string& ws);
  Outcome<Reply> GetProcess(const Actor& actor, const std::string& ws, const std::string& campaign);
  // {"to": state, "review": text (closing)}.
  Outcome<Reply> Transition(const Actor& actor, const std::string& ws, const std::string& campaign,
                            const json& body, std::optional<int64_t> if_match);
  Outcome<Reply> Confirm(const Actor& actor, const std::string& ws, const std::string& campaign,
                         const std::string& function, const json& body);
  Outcome<Reply> Unconfirm(const Actor& actor, const std::string& ws, const std::string& campaign,
                           const std::string& function);
  // {"check": key of the check result signed, "comment": text}.
  Outcome<Reply> SignOff(const Actor& actor, const std::string& ws, const std::string& campaign,
                         const std::string& function, const json& body);
  // A refusal ({"check": key, "reason": text}, kind kRefuse) or a request for changes (kind
  // kRequestChanges) in place of the function's sign-off; kind kSignOff is SignOff. The reason
  // (at least 10 characters) goes to the campaign owner, who answers it (AnswerObjection); the
  // function's next sign-off settles it. Rules: tandem/process/process.h.
  Outcome<Reply> Review(const Actor& actor, const std::string& ws, const std::string& campaign,
                        const std::string& function, process::SignOffKind kind, const json& body);
  // The campaign owner's (marketing, admin) answer to a function's refusal or request for
  // changes: {"text": at least 10 characters}. The function is told.
  Outcome<Reply> AnswerObjection(const Actor& actor, const std::string& ws,
                                 const std::string& campaign, const std::string& function,
                                 const json& body);
  Outcome<Reply> WithdrawSignOff(const Actor& actor, const std::string& ws,
                                 const std::string& campaign, const std::string& function);
  // {"check": key} (a go verdict: marketing, admin) or {"check": key, "override": {"reason":
  // text}} (an at-risk or no-go verdict: finance or admin, never the campaign's owner).
  Outcome<Reply> Approve(const Actor& actor, const std::string& ws, const std::string& campaign,
                         const json& body);
  Outcome<Reply> RequestCheck(const Actor& actor, const std::string& ws,
                              const std::string& campaign);
  Outcome<Reply> GetCheck(const Actor& actor, const std::string& ws, const std::string& campaign,
                          bool with_result);
  Outcome<Reply> GetJob(const Actor& actor, int64_t job);
  // Counter-proposals for the campaign as it is now (`tandem recommend --json` on its check
  // scenario), computed in the background and cached by content. Request: 202 {job, status,
  // key} or, cached, 200 with the GetRecommendations body. Read: {status: none | queued |
  // running | done | failed | superseded, progress: 0..1, key, job, result (when done)}.
  Outcome<Reply> RequestRecommendations(const Actor& actor, const std::string& ws,
                                        const std::string& campaign);
  Outcome<Reply> GetRecommendations(const Actor& actor, const std::string& ws,
                                    const std::string& campaign);
  // {"option": N (1-based, as `--apply N`), "key": the recommendations' key}: applies the option
  // to the campaign in one write (a stale key is 409) and queues its check; returns the process.
  // Options booking capacity (expand) are operations' and admin's, the others marketing's and
  // admin's.
  Outcome<Reply> AdoptOption(const Actor& actor, const std::string& ws, const std::string& campaign,
                             const json& body);
  Outcome<Reply> Handover(const Actor& actor, const std::string& ws, const std::string& campaign);
  Outcome<Reply> Audit(const Actor& actor, const std::string& ws, const std::string& campaign);
  Outcome<Reply> Alerts(const Actor& actor, const std::string& ws, int64_t after_id);

  // ---- follow-up (actuals.cc, follow_up.cc)
  // Checks the CSV whole against the workspace's scenario (422 naming "orders.csv:LINE" and
  // what is allowed; nothing stored), then upserts its rows by id (spend: by campaign and date),
  // so re-sending an export changes nothing. When a campaign is live or in follow-up, queues a
  // follow-up of the workspace at its latest actuals (drift alerts). Returns {file, rows,
  // changed, job}.
  Outcome<Reply> PutActuals(const Actor& actor, const std::string& ws, const ActualsUpload& upload);
  // The campaign's entry of `tandem follow-up --json` on the workspace and its stored actuals,
  // with "as_of", "key" and the campaign's "alerts". Cached by its inputs: 200 when computed,
  // else 202 {job, status, key} (poll GET /api/jobs/{job}, then ask again).
  Outcome<Reply> GetFollowUp(const Actor& actor, const std::string& ws, const FollowUpQuery& query);

  // ---- webhooks (tandem/server/webhooks.h): the admin API and the dispatcher
  Webhooks& webhooks() { return *webhooks_; }

  // ---- operations
  Outcome<Reply> Health();  // {"status": "ok", "database", "schema"}; 503 when the database fails
  bool WaitForJobs(std::chrono::milliseconds timeout);  // tests and the demo
  std::string MetricsText() const;                      // Prometheus text, service part
  std::string DatabaseDescription() const;

 private:
  explicit Service(ServiceOptions options);

  std::unique_ptr<ServiceCore> core_;  // shared by the services below; destroyed after them
  std::unique_ptr<UserService> users_;
  std::unique_ptr<WorkspaceService> workspaces_;
  std::unique_ptr<ProcessService> process_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<AlertService> alerts_;
  std::unique_ptr<Webhooks> webhooks_;  // alerts to webhooks (outbox, dispatcher)
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_SERVICE_H_
