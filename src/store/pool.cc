// The connection pool and the transaction loop shared by both databases.
#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include "store/backends.h"

namespace tandem::store {

Result<std::unique_ptr<PooledConnection>> Pool::Acquire() {
  {
    MutexLock lock(&mutex_);
    while (out_ >= capacity_) available_.Wait(&mutex_);
    ++out_;
    if (!idle_.empty()) {
      std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  Result<std::unique_ptr<PooledConnection>> opened = open_();
  if (!opened.ok()) {
    MutexLock lock(&mutex_);
    --out_;
    available_.Signal();
  }
  return opened;
}

void Pool::Release(std::unique_ptr<PooledConnection> connection) {
  MutexLock lock(&mutex_);
  --out_;
  if (connection && connection->Healthy()) idle_.push_back(std::move(connection));
  available_.Signal();
}

// Transient conflicts (SQLITE_BUSY, PostgreSQL 40001 serialization failure, 40P01 deadlock, a
// lost connection) run the body again: at most kAttempts times, after a backoff that doubles
// from 5 ms up to 640 ms with full jitter (a random wait up to the bound), so that writers that
// collided do not collide again in step. A conflict on the last attempt is returned as it is.
// 30 attempts, not 10: with 8 writers on one workspace each round lets about one of them
// commit, and under a slow build (ASan) 3 of 48 writes still lost 10 rounds in a row; 30
// bounds the wait at about 15 s in the worst case, a few ms when nobody collides.
Status RunTransaction(Pool& pool, bool read_only, const std::function<Status(Connection&)>& body) {
  constexpr int kAttempts = 30;
  thread_local std::minstd_rand jitter(static_cast<uint32_t>(
      std::hash<std::thread::id>()(std::this_thread::get_id()) ^
      static_cast<size_t>(std::chrono::steady_clock::now().time_since_epoch().count())));
  Status last = Error::Internal("transaction not run");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Result<std::unique_ptr<PooledConnection>> acquired = pool.Acquire();
    if (!acquired.ok()) return acquired.error();
    std::unique_ptr<PooledConnection> connection = std::move(acquired.value());
    bool transient = false;
    Status begun = connection->Begin(read_only);
    if (!begun.ok()) {
      transient = connection->LastErrorTransient();
      last = begun;
    } else {
      Status status = body(*connection);
      if (status.ok()) {
        status = connection->Commit();
        if (status.ok()) {
          pool.Release(std::move(connection));
          return status;
        }
      } else {
        connection->Rollback();
      }
      transient = connection->LastErrorTransient();
      last = status;
    }
    pool.Release(std::move(connection));
    if (!transient) return last;
    const int bound_ms = 5 << std::min(attempt, 7);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(bound_ms * 100, bound_ms * 1000)(jitter)));
  }
  return last;
}

}  // namespace tandem::store
