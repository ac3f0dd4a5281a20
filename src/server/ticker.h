// A thread that calls a function every `interval` until stopped: the server's clock tick
// (ProcessService::AdvanceByClock). The first call comes one interval after Start, so that a
// server (or a test) that starts does not move anything before it has been asked to.
// Internal to tandem_server.
//
// Thread safety: Start and Stop may be called from any thread; `tick` runs on the ticker's own
// thread, never twice at once. Stop waits for a tick in progress to finish.
#ifndef TANDEM_SRC_SERVER_TICKER_H_
#define TANDEM_SRC_SERVER_TICKER_H_

#include <chrono>
#include <functional>
#include <thread>

#include "tandem/common/thread_annotations.h"

namespace tandem::server {

class Ticker {
 public:
  Ticker(std::chrono::milliseconds interval, std::function<void()> tick);
  ~Ticker();  // Stop()
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  void Start() EXCLUDES(mutex_);
  void Stop() EXCLUDES(mutex_);

 private:
  void Loop() EXCLUDES(mutex_);

  const std::chrono::milliseconds interval_;
  const std::function<void()> tick_;
  Mutex mutex_;
  CondVar wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;  // started and joined by Start and Stop only
};

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_TICKER_H_
