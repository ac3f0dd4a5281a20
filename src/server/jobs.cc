#include "tandem/server/jobs.h"

#include <cstdio>
#include <exception>

namespace tandem::server {

JobRunner::JobRunner(int workers, std::function<void()> on_done) : on_done_(std::move(on_done)) {
  if (workers < 1) workers = 1;
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Loop(); });
}

JobRunner::~JobRunner() {
  Stop();
}

void JobRunner::Stop() {
  {
    MutexLock lock(&mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (const auto& [id, work] : queue_) active_.erase(id);
    queue_.clear();
  }
  wake_.SignalAll();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  idle_.SignalAll();
}

void JobRunner::Submit(int64_t id, Work work) {
  {
    MutexLock lock(&mutex_);
    if (stopping_ || active_.count(id)) return;
    active_[id] = Progress{};
    queue_.emplace_back(id, std::move(work));
  }
  wake_.Signal();
}

std::optional<JobRunner::Progress> JobRunner::Get(int64_t id) const {
  MutexLock lock(&mutex_);
  auto found = active_.find(id);
  if (found == active_.end()) return std::nullopt;
  return found->second;
}

void JobRunner::SetStage(int64_t id, std::string stage) {
  MutexLock lock(&mutex_);
  auto found = active_.find(id);
  if (found != active_.end()) found->second.stage = std::move(stage);
}

bool JobRunner::WaitIdle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mutex_);
  while (!active_.empty()) {
    if (!idle_.WaitUntil(&mutex_, deadline)) return active_.empty();
  }
  return true;
}

size_t JobRunner::Pending() const {
  MutexLock lock(&mutex_);
  return active_.size();
}

std::vector<int64_t> JobRunner::Ids() const {
  MutexLock lock(&mutex_);
  std::vector<int64_t> ids;
  for (const auto& [id, progress] : active_) ids.push_back(id);
  return ids;
}

void JobRunner::Loop() {
  for (;;) {
    std::pair<int64_t, Work> job;
    {
      MutexLock lock(&mutex_);
      while (!stopping_ && queue_.empty()) wake_.Wait(&mutex_);
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      active_[job.first].running = true;
    }
    const int64_t id = job.first;
    const ProgressFn progress = [this, id](int64_t done, int64_t total) {
      MutexLock lock(&mutex_);
      auto found = active_.find(id);
      if (found != active_.end()) {
        found->second.done = done;
        found->second.total = total;
      }
    };
    try {
      job.second(progress);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "tandem serve: job %lld failed: %s\n", static_cast<long long>(id),
                   error.what());
    } catch (...) {
      std::fprintf(stderr, "tandem serve: job %lld failed\n", static_cast<long long>(id));
    }
    {
      MutexLock lock(&mutex_);
      active_.erase(id);
      if (active_.empty()) idle_.SignalAll();
    }
    if (on_done_) on_done_();
  }
}

}  // namespace tandem::server
