// The service layer of `tandem serve`: workspaces holding the scenario model, users and roles,
// and the Groundwork -> Transfer -> Follow-up process of each campaign. The HTTP front end
// (http_server.h) is a thin client of this class; tests call it directly as well.
//
// Rules it keeps (docs/server.md has the reasons):
// - Every call checks the actor's role; no one acts outside it (ApiError 403).
// - Every write is one database transaction that locks its workspace, applies the change,
//   validates the whole workspace as a scenario (ReadScenarioJson), records the audit log and the
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
//   Outcome<Reply> reply =
//       service.value()->process().GetProcess(actor, "greenleaf", "spring-40");
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
class Ticker;

class Service {
 public:
  using json = nlohmann::json;

  // Opens the database, runs the migrations, starts claiming jobs (queued ones, and those whose
  // server stopped or died: src/server/job_claims.h).
  static Outcome<std::unique_ptr<Service>> Open(ServiceOptions options);
  // Stops the runners (running jobs finish or give up at their next stage) before the services.
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // ---- the services (valid as long as this Service); their headers give the contracts. The
  // HTTP routes, the CLI and the tests call them directly: Service composes, it does not forward.
  UserService& users() { return *users_; }
  WorkspaceService& workspaces() { return *workspaces_; }
  ProcessService& process() { return *process_; }
  JobService& jobs() { return *jobs_; }
  AlertService& alerts() { return *alerts_; }

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
  std::unique_ptr<Ticker> clock_;       // ProcessService::AdvanceByClock every clock_interval
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_SERVICE_H_
