// Check and recommend jobs: the promise check of a campaign, its counter-proposals (`tandem
// recommend`) and follow-ups, computed in the background and cached by the content hash of
// their inputs, and adopting one counter-proposal.
//
// A request writes a job row in the write that needs it (or answers from the cache); the row is
// handed to a runner after commit (Submit). Checks run on ServiceCore::runner (`job_workers` at
// once), counter-proposals on ServiceCore::recommend_runner (one at a time, so that a long
// search never delays a check). A job's outcome is stored by key; the process points at it.
//
// Ownership: holds a reference to the ServiceCore that `Service` owns; Service outlives it and
// stops the runners (which wait for running jobs) before destroying it.
// Thread safety: every method may be called concurrently from any thread; jobs run on the
// runners' threads.
#ifndef TANDEM_SERVER_JOB_SERVICE_H_
#define TANDEM_SERVER_JOB_SERVICE_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "tandem/server/api.h"
#include "tandem/server/job_requests.h"
#include "tandem/server/jobs.h"
#include "tandem/server/requests.h"
#include "tandem/server/service_types.h"

namespace tandem::server {

class ServiceCore;

class JobService {
 public:
  using json = nlohmann::json;

  explicit JobService(ServiceCore& core) : core_(core) {}
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  Outcome<Reply> RequestCheck(const Actor& actor, const CampaignRef& ref);
  Outcome<Reply> GetCheck(const Actor& actor, const CampaignRef& ref, bool with_result);
  Outcome<Reply> GetJob(const Actor& actor, int64_t job);
  // Counter-proposals for the campaign as it is now (`tandem recommend --json` on its check
  // scenario), computed in the background and cached by content. Request: 202 {job, status,
  // key} or, cached, 200 with the GetRecommendations body. Read: {status: none | queued |
  // running | done | failed | superseded, progress: 0..1, key, job, result (when done)}.
  Outcome<Reply> RequestRecommendations(const Actor& actor, const CampaignRef& ref);
  Outcome<Reply> GetRecommendations(const Actor& actor, const CampaignRef& ref);
  // Applies option `request.option` (1-based, as `--apply N`) of the counter-proposals read
  // (`request.key`) to the campaign in one write (a stale key is 409) and queues its check;
  // returns the process. Options booking capacity (expand) are operations' and admin's, the
  // others marketing's and admin's (403 before a body the parse refused: requests.h).
  Outcome<Reply> AdoptOption(const Actor& actor, const CampaignRef& ref,
                             const Parsed<AdoptRequest>& request);
  // The campaign's entry of `tandem follow-up --json` on the workspace and its stored actuals,
  // with "as_of", "key" and the campaign's "alerts". Cached by its inputs: 200 when computed,
  // else 202 {job, status, key} (poll GET /api/jobs/{job}, then ask again).
  Outcome<Reply> GetFollowUp(const Actor& actor, const std::string& ws, const FollowUpQuery& query);
  // Planned against observed lift of the workspace's campaigns, as their latest follow-up
  // measured it (kept when a follow-up job computes), and what it says to a planner:
  // {campaigns: [{campaign, planned, observed, ratio, elapsed_days, counted, as_of}],
  //  summary: {campaigns, median_ratio, text}} (docs/follow-up.md, "Past lifts"). 404: no
  // workspace.
  Outcome<Reply> GetLiftHistory(const Actor& actor, const std::string& ws);

  // After a write committed job rows: tells this server's claimer to look for jobs now (the row
  // is claimed through the database, by this server or another: src/server/job_claims.h); a
  // no-op when the service runs no jobs.
  void Submit(int64_t job, const std::string& kind);
  // Runs a job this server has claimed (kind "check", "recommend" or "followup") on its runner.
  void Launch(int64_t job, const std::string& kind);
  // Blocks until both runners are idle at once (a finished check may queue counter-proposals),
  // or the timeout passes. True when idle.
  bool WaitForJobs(std::chrono::milliseconds timeout);

 private:
  void RunCheckJob(int64_t job, const JobRunner::ProgressFn& progress);
  void RunRecommendJob(int64_t job, const JobRunner::ProgressFn& progress);
  void RunFollowUpJob(int64_t job, const JobRunner::ProgressFn& progress);
  Outcome<Reply> ReadRecommendations(const std::string& ws, const std::string& campaign,
                                     bool* unseen);

  ServiceCore& core_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_JOB_SERVICE_H_
