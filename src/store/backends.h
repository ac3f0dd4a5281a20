// The database implementations behind OpenDatabase, and the pool they share. Internal.
#ifndef TANDEM_SRC_STORE_BACKENDS_H_
#define TANDEM_SRC_STORE_BACKENDS_H_

#include <memory>
#include <string>
#include <vector>

#include "tandem/common/thread_annotations.h"
#include "tandem/store/database.h"

namespace tandem::store {

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size);
Result<std::unique_ptr<Database>> OpenPostgresql(const std::string& url, int pool_size);

// A connection that can say whether its last failure was a transient conflict worth retrying,
// and begin/commit/rollback in its dialect.
class PooledConnection : public Connection {
 public:
  virtual Status Begin(bool read_only) = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // Whether any statement since Begin failed on a transient conflict: sticky for the
  // transaction, because the caller may go on (and fail differently, e.g. PostgreSQL's "current
  // transaction is aborted") after the statement that conflicted.
  virtual bool LastErrorTransient() const = 0;
  // False once the connection is unusable (it is then dropped rather than returned).
  virtual bool Healthy() const = 0;
};

// A bounded pool: Acquire blocks while `capacity` connections are out; `open` makes new ones.
class Pool {
 public:
  using Opener = std::function<Result<std::unique_ptr<PooledConnection>>()>;
  Pool(int capacity, Opener open) : capacity_(capacity), open_(std::move(open)) {}
  Result<std::unique_ptr<PooledConnection>> Acquire();
  void Release(std::unique_ptr<PooledConnection> connection);

 private:
  Mutex mutex_;
  CondVar available_;  // signalled when out_ drops
  const int capacity_;
  int out_ GUARDED_BY(mutex_) = 0;
  std::vector<std::unique_ptr<PooledConnection>> idle_ GUARDED_BY(mutex_);
  const Opener open_;
};

// The transaction loop both databases share: begin, run, commit; retry transient conflicts.
Status RunTransaction(Pool& pool, bool read_only, const std::function<Status(Connection&)>& body);

}  // namespace tandem::store

#endif  // TANDEM_SRC_STORE_BACKENDS_H_
