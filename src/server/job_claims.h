// Jobs claimed through the database, so that several servers on one database run each job once
// (docs/server.md, "Several servers on one database"). Internal to tandem_server.
//
// A job row is claimable when it is queued or running and its lease has passed (`lease_until`,
// milliseconds since the epoch; 0 for a new row). A server claims one in a transaction: on
// PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` (servers claiming at once skip each other's
// rows instead of waiting on them), on SQLite the same SELECT inside a writer transaction (one
// writer at a time). The claim writes `claimed_by` and a lease; the server renews the lease of
// the jobs it runs (RenewClaims), so a job whose server dies is claimed again once its lease has
// passed, and a job's end is written only by the server that holds its claim (EndJob).
//
// JobClaimer is the loop of one server: it claims while its runners have a free worker, renews
// its leases, and gives its claims back when it stops (a job then starts elsewhere at once).
// Thread safety: the functions are thread-safe (they use the Database's pool); every JobClaimer
// method may be called from any thread.
#ifndef TANDEM_SRC_SERVER_JOB_CLAIMS_H_
#define TANDEM_SRC_SERVER_JOB_CLAIMS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tandem/common/thread_annotations.h"
#include "tandem/server/jobs.h"
#include "tandem/store/database.h"

namespace tandem::server {

// Milliseconds since the epoch (the wall clock; leases compare these across servers, so their
// clocks must agree to well within a lease: NTP).
int64_t EpochMillisNow();

// A name for this server, unique among the servers on one database: host, process id and a
// random part.
std::string NewReplicaId();

// Which runner a job goes to: recommend jobs to the counter-proposal runner, the others (check,
// followup) to the check runner.
enum class JobLane { kChecks, kRecommend };

struct ClaimedJob {
  int64_t id = 0;
  std::string kind;
};

// Claims the oldest claimable job of `lane` for `replica` until now + `lease` (its status is set
// back to queued: the job starts over). nullopt when there is none.
Result<std::optional<ClaimedJob>> ClaimNextJob(store::Database& database,
                                               const std::string& replica, JobLane lane,
                                               std::chrono::milliseconds lease);
// Extends the leases of `jobs` that `replica` still holds to now + `lease`.
Status RenewClaims(store::Database& database, const std::string& replica,
                   const std::vector<int64_t>& jobs, std::chrono::milliseconds lease);
// Gives back every unfinished claim of `replica` (lease 0): another server may claim them now.
Status ReleaseClaims(store::Database& database, const std::string& replica);
// In the caller's transaction: ends job `job` with `status` ("done", "failed", "superseded")
// when `replica` still holds its claim. False, and nothing written, when another server has
// claimed it since (its end is theirs to write).
Result<bool> EndJob(store::Connection& c, int64_t job, const std::string& replica,
                    const std::string& status, const std::string& error, const std::string& now);

class JobClaimer {
 public:
  struct Lane {
    JobLane lane;
    JobRunner* runner;  // not owned; outlives the claimer's Stop()
    size_t workers;     // claims while the runner has fewer jobs than this
  };
  // Hands a claimed job to its runner.
  using Launch = std::function<void(const ClaimedJob& job)>;
  struct Options {
    std::string replica;
    std::chrono::milliseconds lease{30'000};
    std::chrono::milliseconds poll{1'000};  // how often it looks for jobs without being woken
  };
  JobClaimer(store::Database& database, Options options, std::vector<Lane> lanes, Launch launch);
  ~JobClaimer();  // Stop()
  JobClaimer(const JobClaimer&) = delete;
  JobClaimer& operator=(const JobClaimer&) = delete;

  void Start();
  // Stops the loop; the claims are kept (call ReleaseClaims once the runners have stopped).
  void Stop();
  // Looks for jobs now (a job was queued here, or a worker became free).
  void Wake();
  // Blocks until a pass that began after the latest Wake found nothing to claim, or the
  // deadline passes; returns the pass's epoch (-1 on timeout). With the runners idle before and
  // after, and the epoch unchanged (Epoch()), nothing is left for this server to do.
  int64_t WaitSettled(std::chrono::steady_clock::time_point deadline);
  int64_t Epoch() const;

 private:
  void Loop();
  // Claims while the lanes have room. `full`: a lane had no room, so it was not looked at.
  struct Pass {
    int claimed = 0;
    bool full = false;
  };
  Pass ClaimPass();
  std::vector<int64_t> Held() const;

  store::Database& database_;
  const Options options_;
  const std::vector<Lane> lanes_;
  const Launch launch_;
  mutable Mutex mutex_;
  CondVar wake_;     // the loop: a Wake or Stop
  CondVar settled_;  // WaitSettled: a pass found nothing
  bool stopping_ GUARDED_BY(mutex_) = false;
  bool woken_ GUARDED_BY(mutex_) = false;
  int64_t epoch_ GUARDED_BY(mutex_) = 0;           // bumped by every Wake and every claim
  int64_t settled_epoch_ GUARDED_BY(mutex_) = -1;  // the epoch of the last pass with no claim
  std::thread thread_;
};

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_JOB_CLAIMS_H_
