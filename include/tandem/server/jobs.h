// Background jobs: a small pool of worker threads running long work (checks, counter-proposals)
// off the request path, with progress.
//
// A job is identified by the id of its row in the `jobs` table; the runner only executes and
// reports progress, the service records outcomes. Work must not throw (it is wrapped anyway:
// an escaping exception is caught and reported through `on_exception`).
//
// Thread safety: every method is thread-safe. The destructor stops the runner: queued jobs
// are dropped (they stay `queued` in the database and are claimed again, here or by another
// server: src/server/job_claims.h), running ones are waited for.
#ifndef TANDEM_SERVER_JOBS_H_
#define TANDEM_SERVER_JOBS_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tandem/common/thread_annotations.h"

namespace tandem::server {

class JobRunner {
 public:
  using ProgressFn = std::function<void(int64_t done, int64_t total)>;
  using Work = std::function<void(const ProgressFn& progress)>;

  // `on_done` (may be empty) is called on the worker's thread after each job has left the
  // runner (a worker is free again).
  explicit JobRunner(int workers, std::function<void()> on_done = {});
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues `work` under `id`; a second submission of an id already queued or running is ignored.
  void Submit(int64_t id, Work work);

  struct Progress {
    bool running = false;  // false: still queued
    int64_t done = 0;
    int64_t total = 0;
    std::string stage;  // what the work is doing now (SetStage), may be empty
  };
  // Progress of a queued or running job; nullopt once it has finished (or was never submitted).
  std::optional<Progress> Get(int64_t id) const;
  // Names what a queued or running job is doing now (ignored for unknown ids).
  void SetStage(int64_t id, std::string stage);

  // Blocks until no job is queued or running, or the timeout passes. True when idle.
  bool WaitIdle(std::chrono::milliseconds timeout);
  size_t Pending() const;
  std::vector<int64_t> Ids() const;  // the jobs queued or running
  void Stop();

 private:
  void Loop();

  mutable Mutex mutex_;
  CondVar wake_;  // signalled when a job is queued or the runner stops
  CondVar idle_;  // signalled when active_ empties
  std::deque<std::pair<int64_t, Work>> queue_ GUARDED_BY(mutex_);
  std::map<int64_t, Progress> active_ GUARDED_BY(mutex_);
  // Started by the constructor, joined and cleared by Stop (called by the owner, not a worker).
  std::vector<std::thread> workers_;
  const std::function<void()> on_done_;
  bool stopping_ GUARDED_BY(mutex_) = false;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_JOBS_H_
