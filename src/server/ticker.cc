#include "server/ticker.h"

namespace tandem::server {

Ticker::Ticker(std::chrono::milliseconds interval, std::function<void()> tick)
    : interval_(interval), tick_(std::move(tick)) {}

Ticker::~Ticker() {
  Stop();
}

void Ticker::Start() {
  {
    MutexLock lock(&mutex_);
    stopping_ = false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void Ticker::Stop() {
  {
    MutexLock lock(&mutex_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

void Ticker::Loop() {
  for (;;) {
    {
      MutexLock lock(&mutex_);
      const auto deadline = std::chrono::steady_clock::now() + interval_;
      while (!stopping_) {
        if (!wake_.WaitUntil(&mutex_, deadline)) break;
      }
      if (stopping_) return;
    }
    tick_();
  }
}

}  // namespace tandem::server
