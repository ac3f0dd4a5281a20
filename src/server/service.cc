// The composition root of the service layer: opens the database, builds the shared core and the
// five services on it, starts the job claimer (src/server/job_claims.h); health and metrics.
#include "tandem/server/service.h"

#include <algorithm>

#include "server/crypto.h"
#include "server/service_core.h"
#include "server/ticker.h"

namespace tandem::server {

using store::Connection;

Service::Service(ServiceOptions options)
    : core_(std::make_unique<ServiceCore>(std::move(options))) {}

Service::~Service() {
  if (clock_) clock_->Stop();        // waits for a tick in progress (its writes end)
  if (webhooks_) webhooks_->Stop();  // bounded: tandem/server/webhooks.h
  // A running search gives up at its next stage (it is resumed here or elsewhere).
  core_->stopping = true;
  if (core_->claimer) core_->claimer->Stop();  // claims nothing more
  if (core_->runner) core_->runner->Stop();
  if (core_->recommend_runner) core_->recommend_runner->Stop();
  // What this server claimed and did not finish is given back: another server (or this one at
  // its next start) takes it up at once rather than after the lease.
  if (core_->claimer) (void)ReleaseClaims(*core_->database, core_->replica);
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
    // Each runner wakes the claimer when a worker is free again. The claimer is set below,
    // before any job can be claimed (so before any worker calls this).
    const auto freed = [shared] { shared->claimer->Wake(); };
    core.runner = std::make_unique<JobRunner>(core.options.job_workers, freed);
    core.recommend_runner = std::make_unique<JobRunner>(1, freed);
    // Jobs are claimed from the database (src/server/job_claims.h): those queued by any server,
    // and those whose server stopped or died (its lease passed) — on start-up too.
    core.claimer = std::make_unique<JobClaimer>(
        *core.database,
        JobClaimer::Options{.replica = core.replica,
                            .lease = core.options.job_lease,
                            .poll = core.options.job_poll},
        std::vector<JobClaimer::Lane>{{JobLane::kChecks, core.runner.get(),
                                       static_cast<size_t>(std::max(1, core.options.job_workers))},
                                      {JobLane::kRecommend, core.recommend_runner.get(), 1}},
        [jobs](const ClaimedJob& job) { jobs->Launch(job.id, job.kind); });
    core.claimer->Start();
    if (core.options.clock_interval.count() > 0) {
      ProcessService* process = service->process_.get();
      // A failed tick (the database away) is retried at the next one.
      service->clock_ = std::make_unique<Ticker>(core.options.clock_interval,
                                                 [process] { (void)process->AdvanceByClock(); });
      service->clock_->Start();
    }
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
  // Alert deliveries per channel (webhooks.h, Webhooks::Counters): delivered, attempts that
  // failed and are retried, deliveries given up.
  const Webhooks::Counters deliveries = webhooks_->counters();
  text +=
      "# HELP tandem_alert_deliveries_total Alert deliveries by channel (webhook, email) and "
      "outcome (delivered; retrying: an attempt failed and is retried; failed: given up).\n# TYPE "
      "tandem_alert_deliveries_total counter\n";
  const std::pair<const char*, const Webhooks::ChannelCounters*> channels[] = {
      {"webhook", &deliveries.webhook}, {"email", &deliveries.email}};
  for (const auto& [channel, counted] : channels) {
    const std::pair<const char*, int64_t> outcomes[] = {{"delivered", counted->delivered},
                                                        {"retrying", counted->retrying},
                                                        {"failed", counted->failed}};
    for (const auto& [outcome, value] : outcomes) {
      text += std::string("tandem_alert_deliveries_total{channel=\"") + channel + "\",outcome=\"" +
              outcome + "\"} " + std::to_string(value) + "\n";
    }
  }
  text +=
      "# HELP tandem_jobs_pending Background jobs queued or running.\n# TYPE tandem_jobs_pending "
      "gauge\n";
  text += "tandem_jobs_pending " + std::to_string(core_->PendingJobs()) + "\n";
  return text;
}

}  // namespace tandem::server
