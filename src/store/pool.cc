// The connection pool and the transaction loop shared by both databases.
#include <chrono>
#include <thread>

#include "store/backends.h"

namespace tandem::store {

Result<std::unique_ptr<PooledConnection>> Pool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait(lock, [&] { return out_ < capacity_; });
    ++out_;
    if (!idle_.empty()) {
      std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  Result<std::unique_ptr<PooledConnection>> opened = open_();
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    --out_;
    available_.notify_one();
  }
  return opened;
}

void Pool::Release(std::unique_ptr<PooledConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  --out_;
  if (connection && connection->Healthy()) idle_.push_back(std::move(connection));
  available_.notify_one();
}

Status RunTransaction(Pool& pool, bool read_only, const std::function<Status(Connection&)>& body) {
  constexpr int kAttempts = 8;
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
    std::this_thread::sleep_for(std::chrono::milliseconds(5 << std::min(attempt, 6)));
  }
  return last;
}

}  // namespace tandem::store
