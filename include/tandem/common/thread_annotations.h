// Clang's thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), as
// Abseil and LevelDB spell them, and a mutex the analysis understands. Every mutex of the
// server and the store is a tandem::Mutex and the state it protects is GUARDED_BY it; a Clang
// build with -Wthread-safety (every Clang build of the project, among them `make fuzz-test`'s,
// which CI runs) then refuses to compile an access without the lock. Under GCC the macros are
// empty and Mutex is a std::mutex.
//
//   class Counter {
//    public:
//     void Add() { MutexLock lock(&mutex_); ++count_; }
//    private:
//     Mutex mutex_;
//     int count_ GUARDED_BY(mutex_) = 0;
//   };
//
// Condition variables: CondVar::Wait(&mutex_) under the lock, the predicate in the caller's loop
// (`while (!ready_) cv_.Wait(&mutex_);`), so that the analysis sees the predicate read guarded
// state with the lock held. Thread-safe as std::mutex and std::condition_variable are.
#ifndef TANDEM_COMMON_THREAD_ANNOTATIONS_H_
#define TANDEM_COMMON_THREAD_ANNOTATIONS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define TANDEM_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define TANDEM_THREAD_ANNOTATION(x)
#endif

// On a class: it is a lock (Mutex) or an RAII holder of one (MutexLock).
#define CAPABILITY(x) TANDEM_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY TANDEM_THREAD_ANNOTATION(scoped_lockable)
// On a member: read and written only with the lock held.
#define GUARDED_BY(x) TANDEM_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: what it points to is read and written only with the lock held.
#define PT_GUARDED_BY(x) TANDEM_THREAD_ANNOTATION(pt_guarded_by(x))
// On a function: the caller holds (REQUIRES) or must not hold (EXCLUDES) the lock.
#define REQUIRES(...) TANDEM_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) TANDEM_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it takes (ACQUIRE) or gives back (RELEASE) the lock.
#define ACQUIRE(...) TANDEM_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) TANDEM_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) TANDEM_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) TANDEM_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) TANDEM_THREAD_ANNOTATION(lock_returned(x))
// The escape hatch; say why wherever it is used.
#define NO_THREAD_SAFETY_ANALYSIS TANDEM_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace tandem {

class CondVar;

// A std::mutex the analysis knows as a lock. Not recursive.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }
  bool TryLock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }

 private:
  friend class CondVar;
  std::mutex mutex_;
};

// Holds `mutex` for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_->Lock(); }
  ~MutexLock() RELEASE() { mutex_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mutex_;
};

// A condition variable waited on with a Mutex held (the LevelDB port's CondVar, with the mutex
// named at each wait so that the analysis can check it is held).
class CondVar {
 public:
  // Releases `mutex` while waiting; holds it again on return. Wakes spuriously too: call in a
  // loop that tests the condition.
  void Wait(Mutex* mutex) REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex->mutex_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // As Wait, returning false once `deadline` has passed.
  bool WaitUntil(Mutex* mutex, std::chrono::steady_clock::time_point deadline) REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex->mutex_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace tandem

#endif  // TANDEM_COMMON_THREAD_ANNOTATIONS_H_
