// Jobs claimed through the database with leases (job_claims.h).
#include "server/job_claims.h"

#include <unistd.h>

#include <cstdio>

#include "server/crypto.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

int64_t EpochMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewReplicaId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + RandomHex(6);
}

Result<std::optional<ClaimedJob>> ClaimNextJob(store::Database& database,
                                               const std::string& replica, JobLane lane,
                                               std::chrono::milliseconds lease) {
  std::optional<ClaimedJob> claimed;
  Status status = database.Transaction([&](Connection& c) -> Status {
    claimed.reset();
    const int64_t now = EpochMillisNow();
    // Rows another server is claiming right now are skipped, not waited for (PostgreSQL); on
    // SQLite this transaction is the only writer.
    const bool postgresql = c.dialect() == store::Dialect::kPostgresql;
    std::string sql =
        "SELECT id, kind FROM jobs WHERE status IN ('queued', 'running') AND lease_until < $1 AND ";
    sql += lane == JobLane::kRecommend ? "kind = 'recommend'" : "kind <> 'recommend'";
    sql += " ORDER BY id LIMIT 1";
    if (postgresql) sql += " FOR UPDATE SKIP LOCKED";
    Result<Rows> rows = c.Query(sql, {now});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    const ClaimedJob job{rows.value().rows[0].Int(0), rows.value().rows[0].Text(1)};
    Result<Rows> updated = c.Query(
        "UPDATE jobs SET status = 'queued', claimed_by = $1, lease_until = $2 WHERE id = $3",
        {replica, now + lease.count(), job.id});
    if (!updated.ok()) return updated.error();
    claimed = job;
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return claimed;
}

Status RenewClaims(store::Database& database, const std::string& replica,
                   const std::vector<int64_t>& jobs, std::chrono::milliseconds lease) {
  if (jobs.empty()) return OkStatus();
  return database.Transaction([&](Connection& c) -> Status {
    const int64_t until = EpochMillisNow() + lease.count();
    for (int64_t job : jobs) {
      Result<Rows> rows = c.Query(
          "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND claimed_by = $3 AND status IN "
          "('queued', 'running')",
          {until, job, replica});
      if (!rows.ok()) return rows.error();
    }
    return OkStatus();
  });
}

Status ReleaseClaims(store::Database& database, const std::string& replica) {
  return database.Transaction([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "UPDATE jobs SET lease_until = 0 WHERE claimed_by = $1 AND status IN ('queued', "
        "'running')",
        {replica});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
}

Result<bool> EndJob(Connection& c, int64_t job, const std::string& replica,
                    const std::string& status, const std::string& error, const std::string& now) {
  Result<Rows> rows = c.Query(
      "UPDATE jobs SET status = $1, error = $2, finished_at = $3, lease_until = 0 WHERE id = $4 "
      "AND claimed_by = $5",
      {status, error.empty() ? Value() : Value(error), now, job, replica});
  if (!rows.ok()) return rows.error();
  return rows.value().affected == 1;
}

JobClaimer::JobClaimer(store::Database& database, Options options, std::vector<Lane> lanes,
                       Launch launch)
    : database_(database),
      options_(std::move(options)),
      lanes_(std::move(lanes)),
      launch_(std::move(launch)) {}

JobClaimer::~JobClaimer() {
  Stop();
}

void JobClaimer::Start() {
  {
    MutexLock lock(&mutex_);
    stopping_ = false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void JobClaimer::Stop() {
  {
    MutexLock lock(&mutex_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
  settled_.SignalAll();
}

void JobClaimer::Wake() {
  {
    MutexLock lock(&mutex_);
    woken_ = true;
    ++epoch_;
  }
  wake_.SignalAll();
}

int64_t JobClaimer::Epoch() const {
  MutexLock lock(&mutex_);
  return epoch_;
}

int64_t JobClaimer::WaitSettled(std::chrono::steady_clock::time_point deadline) {
  MutexLock lock(&mutex_);
  while (settled_epoch_ != epoch_) {
    if (stopping_) return epoch_;  // nothing more will be claimed
    if (!settled_.WaitUntil(&mutex_, deadline)) return settled_epoch_ == epoch_ ? epoch_ : -1;
  }
  return epoch_;
}

std::vector<int64_t> JobClaimer::Held() const {
  std::vector<int64_t> held;
  for (const Lane& lane : lanes_) {
    const std::vector<int64_t> ids = lane.runner->Ids();
    held.insert(held.end(), ids.begin(), ids.end());
  }
  return held;
}

JobClaimer::Pass JobClaimer::ClaimPass() {
  Pass pass;
  for (const Lane& lane : lanes_) {
    for (;;) {
      if (lane.runner->Pending() >= lane.workers) {
        pass.full = true;
        break;
      }
      {
        MutexLock lock(&mutex_);
        if (stopping_) return pass;
      }
      Result<std::optional<ClaimedJob>> job =
          ClaimNextJob(database_, options_.replica, lane.lane, options_.lease);
      if (!job.ok()) {
        std::fprintf(stderr, "tandem serve: claiming a job: %s\n", job.error().ToString().c_str());
        pass.full = true;  // not looked at: the database is away, the next pass tries again
        break;
      }
      if (!job.value()) break;
      {
        MutexLock lock(&mutex_);
        ++epoch_;
      }
      launch_(*job.value());
      ++pass.claimed;
    }
  }
  return pass;
}

void JobClaimer::Loop() {
  // Renewed at a third of the lease: two renewals may be late before another server takes over.
  const auto renew_every = options_.lease / 3;
  auto next_renewal = std::chrono::steady_clock::now();
  for (;;) {
    int64_t started = 0;
    {
      MutexLock lock(&mutex_);
      if (stopping_) return;
      woken_ = false;
      started = epoch_;
    }
    const Pass pass = ClaimPass();
    if (std::chrono::steady_clock::now() >= next_renewal) {
      (void)RenewClaims(database_, options_.replica, Held(), options_.lease);
      next_renewal = std::chrono::steady_clock::now() + renew_every;
    }
    MutexLock lock(&mutex_);
    if (pass.claimed == 0 && !pass.full && epoch_ == started) {
      settled_epoch_ = started;
      settled_.SignalAll();
    }
    if (pass.claimed > 0) continue;  // maybe more room, more jobs
    const auto deadline = std::min(std::chrono::steady_clock::now() + options_.poll, next_renewal);
    while (!stopping_ && !woken_) {
      if (!wake_.WaitUntil(&mutex_, deadline)) break;
    }
  }
}

}  // namespace tandem::server
