// The composition root of the service layer: opens the database, builds the shared core and the
// five services on it, resubmits unfinished jobs; health and metrics; the calls of service.h
// forwarded to the service that owns them.
#include "tandem/server/service.h"

#include <algorithm>

#include "server/crypto.h"
#include "server/service_core.h"

namespace tandem::server {

using store::Connection;
using store::Rows;

Service::Service(ServiceOptions options)
    : core_(std::make_unique<ServiceCore>(std::move(options))) {}

Service::~Service() {
  if (webhooks_) webhooks_->Stop();  // bounded: tandem/server/webhooks.h
  // A running search gives up at its next stage (it is resumed at the next start).
  core_->stopping = true;
  if (core_->runner) core_->runner->Stop();
  if (core_->recommend_runner) core_->recommend_runner->Stop();
}

Outcome<std::unique_ptr<Service>> Service::Open(ServiceOptions options) {
  if (!CryptoReady()) return ApiError::Internal("libsodium could not be initialised");
  std::unique_ptr<Service> service(new Service(std::move(options)));
  ServiceCore& core = *service->core_;
  Result<std::unique_ptr<store::Database>> database =
      store::OpenDatabase(core.options.database, core.options.pool_size);
  if (!database.ok()) return ApiError::Internal(database.error().ToString());
  core.database = std::move(database.value());
  service->users_ = std::make_unique<UserService>(
      core, HashPassword(RandomPassword(), core.options.fast_password_hashing));
  service->workspaces_ = std::make_unique<WorkspaceService>(core);
  service->process_ = std::make_unique<ProcessService>(core);
  service->jobs_ = std::make_unique<JobService>(core);
  service->alerts_ = std::make_unique<AlertService>(core);
  JobService* jobs = service->jobs_.get();
  core.submit_job = [jobs](int64_t job, const std::string& kind) { jobs->Submit(job, kind); };
  Result<int> migrated = store::Migrate(*core.database);
  if (!migrated.ok()) return ApiError::Internal(migrated.error().ToString());
  ServiceCore* shared = &core;
  service->webhooks_ = std::make_unique<Webhooks>(*core.database, core.options.webhooks,
                                                  [shared] { return shared->Now(); });
  if (core.options.run_jobs) {
    service->webhooks_->Start();
    core.runner = std::make_unique<JobRunner>(core.options.job_workers);
    core.recommend_runner = std::make_unique<JobRunner>(1);
    // Jobs that were queued or running when the server stopped run again.
    std::vector<std::pair<int64_t, std::string>> unfinished;
    Status status = core.database->Transaction([&](Connection& c) -> Status {
      unfinished.clear();
      Result<Rows> rows = c.Query(
          "UPDATE jobs SET status = 'queued' WHERE status IN ('queued', 'running') RETURNING id, "
          "kind",
          {});
      if (!rows.ok()) return rows.error();
      for (const store::Row& row : rows.value().rows)
        unfinished.emplace_back(row.Int(0), row.Text(1));
      return OkStatus();
    });
    if (!status.ok()) return ApiError::Internal(status.error().ToString());
    std::sort(unfinished.begin(), unfinished.end());
    for (const auto& [job, kind] : unfinished) jobs->Submit(job, kind);
  }
  return service;
}

std::string Service::DatabaseDescription() const {
  return core_->database->Describe();
}

Outcome<Reply> Service::Health() {
  int64_t schema = 0;
  Status status = core_->database->Read([&](Connection& c) -> Status {
    Result<int64_t> version = store::QueryInt(c, "SELECT MAX(version) FROM schema_migrations", {});
    if (!version.ok()) return version.error();
    schema = version.value();
    return OkStatus();
  });
  if (!status.ok()) return ApiError{503, "unavailable", "the database does not answer", {}};
  Reply reply;
  reply.body = {
      {"status", "ok"},
      {"database", core_->database->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql"},
      {"schema", schema},
      {"jobs_pending", core_->PendingJobs()}};
  return reply;
}

bool Service::WaitForJobs(std::chrono::milliseconds timeout) {
  return jobs_->WaitForJobs(timeout);
}

std::string Service::MetricsText() const {
  const ServiceMetrics& metrics = core_->metrics;
  std::string text;
  const auto counter = [&](const char* name, const char* help, int64_t value) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
            " " + std::to_string(value) + "\n";
  };
  counter("tandem_checks_run_total", "Checks simulated (cache misses).", metrics.checks_run.load());
  counter("tandem_checks_cached_total", "Checks answered from the content cache.",
          metrics.checks_cached.load());
  counter("tandem_checks_failed_total", "Checks that failed.", metrics.checks_failed.load());
  counter("tandem_check_seconds_total", "Time spent simulating checks.",
          metrics.check_millis.load() / 1000);
  counter("tandem_recommendations_run_total", "Counter-proposal searches run (cache misses).",
          metrics.recommends_run.load());
  counter("tandem_recommendations_cached_total",
          "Counter-proposals answered from the content cache.", metrics.recommends_cached.load());
  counter("tandem_recommendations_failed_total", "Counter-proposal searches that failed.",
          metrics.recommends_failed.load());
  counter("tandem_writes_total", "Committed workspace writes.", metrics.writes.load());
  counter("tandem_write_conflicts_total", "Writes refused for a stale version.",
          metrics.conflicts.load());
  counter("tandem_logins_failed_total", "Failed password logins.", metrics.logins_failed.load());
  text +=
      "# HELP tandem_jobs_pending Background jobs queued or running.\n# TYPE tandem_jobs_pending "
      "gauge\n";
  text += "tandem_jobs_pending " + std::to_string(core_->PendingJobs()) + "\n";
  return text;
}

// ---------------------------------------------------------------------------------------------
// Forwarded to the services

Outcome<Credential> Service::AddUser(const std::string& name, const std::string& role, bool token,
                                     std::optional<int> token_days) {
  return users_->AddUser(name, role, token, token_days);
}

Outcome<Credential> Service::NewToken(const std::string& name, std::optional<int> token_days) {
  return users_->NewToken(name, token_days);
}

Outcome<Reply> Service::ListTokens(const Actor& actor, const std::string& name) {
  return users_->ListTokens(actor, name);
}

Outcome<Reply> Service::RevokeTokens(const Actor& actor, const std::string& name,
                                     std::optional<int64_t> id) {
  return users_->RevokeTokens(actor, name, id);
}

Outcome<Session> Service::Login(const std::string& name, const std::string& password) {
  return users_->Login(name, password);
}

Outcome<Authenticated> Service::AuthenticateBearer(const std::string& token) {
  return users_->AuthenticateBearer(token);
}

Outcome<Authenticated> Service::AuthenticateSession(const std::string& token) {
  return users_->AuthenticateSession(token);
}

void Service::Logout(const std::string& session_token) {
  users_->Logout(session_token);
}

Outcome<Reply> Service::ListUsers(const Actor& actor) {
  return users_->ListUsers(actor);
}

Outcome<Reply> Service::CreateUser(const Actor& actor, const json& body) {
  return users_->CreateUser(actor, body);
}

Outcome<Reply> Service::ListWorkspaces(const Actor& actor) {
  return workspaces_->ListWorkspaces(actor);
}

Outcome<Reply> Service::CreateWorkspace(const Actor& actor, const json& body) {
  return workspaces_->CreateWorkspace(actor, body);
}

Outcome<Reply> Service::GetWorkspace(const Actor& actor, const std::string& ws) {
  return workspaces_->GetWorkspace(actor, ws);
}

Outcome<Reply> Service::PutSettings(const Actor& actor, const std::string& ws, const json& body,
                                    std::optional<int64_t> if_match) {
  return workspaces_->PutSettings(actor, ws, body, if_match);
}

Outcome<Reply> Service::DeleteWorkspace(const Actor& actor, const std::string& ws,
                                        std::optional<int64_t> if_match) {
  return workspaces_->DeleteWorkspace(actor, ws, if_match);
}

Outcome<Reply> Service::ListEntities(const Actor& actor, const std::string& ws,
                                     const std::string& kind) {
  return workspaces_->ListEntities(actor, ws, kind);
}

Outcome<Reply> Service::GetEntity(const Actor& actor, const std::string& ws,
                                  const std::string& kind, const std::string& id) {
  return workspaces_->GetEntity(actor, ws, kind, id);
}

Outcome<Reply> Service::PutEntity(const Actor& actor, const std::string& ws,
                                  const std::string& kind, const std::string& id, const json& body,
                                  std::optional<int64_t> if_match) {
  return workspaces_->PutEntity(actor, ws, kind, id, body, if_match);
}

Outcome<Reply> Service::DeleteEntity(const Actor& actor, const std::string& ws,
                                     const std::string& kind, const std::string& id,
                                     std::optional<int64_t> if_match) {
  return workspaces_->DeleteEntity(actor, ws, kind, id, if_match);
}

Outcome<Reply> Service::PutPart(const Actor& actor, const std::string& ws, const std::string& kind,
                                const std::string& id, const std::string& part, const json& value,
                                std::optional<int64_t> if_match) {
  return workspaces_->PutPart(actor, ws, kind, id, part, value, if_match);
}

Outcome<Reply> Service::ListFiles(const Actor& actor, const std::string& ws) {
  return workspaces_->ListFiles(actor, ws);
}

Outcome<Reply> Service::GetFile(const Actor& actor, const std::string& ws,
                                const std::string& path) {
  return workspaces_->GetFile(actor, ws, path);
}

Outcome<Reply> Service::PutFile(const Actor& actor, const std::string& ws, const std::string& path,
                                const std::string& text, std::optional<int64_t> if_match) {
  return workspaces_->PutFile(actor, ws, path, text, if_match);
}

Outcome<Reply> Service::DeleteFile(const Actor& actor, const std::string& ws,
                                   const std::string& path, std::optional<int64_t> if_match) {
  return workspaces_->DeleteFile(actor, ws, path, if_match);
}

Outcome<Reply> Service::Export(const Actor& actor, const std::string& ws, bool bundle) {
  return workspaces_->Export(actor, ws, bundle);
}

Outcome<Reply> Service::Import(const Actor& actor, const std::string& ws, const std::string& text,
                               const std::map<std::string, std::string>& files,
                               const std::string& display_name) {
  return workspaces_->Import(actor, ws, text, files, display_name);
}

Outcome<Reply> Service::ListProcesses(const Actor& actor, const std::string& ws) {
  return process_->ListProcesses(actor, ws);
}

Outcome<Reply> Service::GetProcess(const Actor& actor, const std::string& ws,
                                   const std::string& campaign) {
  return process_->GetProcess(actor, ws, campaign);
}

Outcome<Reply> Service::Transition(const Actor& actor, const std::string& ws,
                                   const std::string& campaign, const json& body,
                                   std::optional<int64_t> if_match) {
  return process_->Transition(actor, ws, campaign, body, if_match);
}

Outcome<Reply> Service::Confirm(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const std::string& function,
                                const json& body) {
  return process_->Confirm(actor, ws, campaign, function, body);
}

Outcome<Reply> Service::Unconfirm(const Actor& actor, const std::string& ws,
                                  const std::string& campaign, const std::string& function) {
  return process_->Unconfirm(actor, ws, campaign, function);
}

Outcome<Reply> Service::SignOff(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const std::string& function,
                                const json& body) {
  return process_->SignOff(actor, ws, campaign, function, body);
}

Outcome<Reply> Service::Review(const Actor& actor, const std::string& ws,
                               const std::string& campaign, const std::string& function,
                               process::SignOffKind kind, const json& body) {
  return process_->Review(actor, ws, campaign, function, kind, body);
}

Outcome<Reply> Service::AnswerObjection(const Actor& actor, const std::string& ws,
                                        const std::string& campaign, const std::string& function,
                                        const json& body) {
  return process_->AnswerObjection(actor, ws, campaign, function, body);
}

Outcome<Reply> Service::WithdrawSignOff(const Actor& actor, const std::string& ws,
                                        const std::string& campaign, const std::string& function) {
  return process_->WithdrawSignOff(actor, ws, campaign, function);
}

Outcome<Reply> Service::Approve(const Actor& actor, const std::string& ws,
                                const std::string& campaign, const json& body) {
  return process_->Approve(actor, ws, campaign, body);
}

Outcome<Reply> Service::RequestCheck(const Actor& actor, const std::string& ws,
                                     const std::string& campaign) {
  return jobs_->RequestCheck(actor, ws, campaign);
}

Outcome<Reply> Service::GetCheck(const Actor& actor, const std::string& ws,
                                 const std::string& campaign, bool with_result) {
  return jobs_->GetCheck(actor, ws, campaign, with_result);
}

Outcome<Reply> Service::GetJob(const Actor& actor, int64_t job) {
  return jobs_->GetJob(actor, job);
}

Outcome<Reply> Service::RequestRecommendations(const Actor& actor, const std::string& ws,
                                               const std::string& campaign) {
  return jobs_->RequestRecommendations(actor, ws, campaign);
}

Outcome<Reply> Service::GetRecommendations(const Actor& actor, const std::string& ws,
                                           const std::string& campaign) {
  return jobs_->GetRecommendations(actor, ws, campaign);
}

Outcome<Reply> Service::AdoptOption(const Actor& actor, const std::string& ws,
                                    const std::string& campaign, const json& body) {
  return jobs_->AdoptOption(actor, ws, campaign, body);
}

Outcome<Reply> Service::Handover(const Actor& actor, const std::string& ws,
                                 const std::string& campaign) {
  return process_->Handover(actor, ws, campaign);
}

Outcome<Reply> Service::Audit(const Actor& actor, const std::string& ws,
                              const std::string& campaign) {
  return alerts_->Audit(actor, ws, campaign);
}

Outcome<Reply> Service::Alerts(const Actor& actor, const std::string& ws, int64_t after_id) {
  return alerts_->Alerts(actor, ws, after_id);
}

Outcome<Reply> Service::PutActuals(const Actor& actor, const std::string& ws,
                                   const ActualsUpload& upload) {
  return workspaces_->PutActuals(actor, ws, upload);
}

Outcome<Reply> Service::GetFollowUp(const Actor& actor, const std::string& ws,
                                    const FollowUpQuery& query) {
  return jobs_->GetFollowUp(actor, ws, query);
}
}  // namespace tandem::server
