// The HTTP layer's limiters (docs/server.md, "Limits"): requests per client, login attempts per
// account, large bodies handled at once, and who the client is behind a trusted proxy.
// Internal to tandem_server. Thread safety: every class here may be used from any thread.
#ifndef TANDEM_SRC_SERVER_HTTP_LIMITS_H_
#define TANDEM_SRC_SERVER_HTTP_LIMITS_H_

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "tandem/common/thread_annotations.h"

namespace tandem::server {

class UserService;

// The client's address: the peer, or, when the peer is a trusted proxy, the address it reports
// (the right-most X-Forwarded-For entry that is not itself a trusted proxy, else X-Real-IP).
// Headers from any other peer are ignored: anyone can write them.
std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::string& real_ip, const std::set<std::string>& trusted);

// Token buckets per key (a client address).
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // Takes a token when there is one.
  bool Allow(const std::string& key) { return Take(key, /*spend=*/true); }
  // Whether a token is there, without taking it.
  bool Has(const std::string& key) { return Take(key, /*spend=*/false); }
  // Takes a token (down to zero) after the fact, e.g. for a failed login.
  void Spend(const std::string& key) { Take(key, /*spend=*/true); }

 private:
  bool Take(const std::string& key, bool spend);
  struct Bucket {
    double tokens;
    double at;
  };
  const double per_second_;
  const double burst_;
  Mutex mutex_;
  std::map<std::string, Bucket> buckets_ GUARDED_BY(mutex_);
};

// Password guessing, slowed without locking the owner out.
//
// Failed attempts are counted per account and *per client*: the browser's device cookie when it
// carries a valid one for that account (set by every successful login), else the client's
// address. After `free_failures` failures a client must wait before its next attempt on that
// account (1 s, doubling with every further failure, at most `max_backoff`); attempts before then
// are refused (429) without checking the password. Nobody else's failures delay a client: an
// attacker guessing at one account from one address, or from a browser without the owner's
// device cookie, slows only himself. Besides, failures from one address across all accounts
// (password spraying) spend a bucket of `spray_per_minute`; clients with a valid device cookie
// are not held by it. The one case left: behind a proxy that is not declared with
// --trusted-proxy every client has the proxy's address, so a new browser of the owner (no device
// cookie yet) shares the attacker's key.
//
// Several servers on one database: with `shared` set, the failures per account and client are
// counted in the database (UserService::LoginFailed), so a guesser spreading his attempts over
// the servers behind a load balancer is held as by one; with `device_key` the same on every
// server (UserService::SharedSecret), a device cookie set by one is valid on all. The spraying
// bucket stays per server (each of N servers allows `spray_per_minute`).
class LoginGuard {
 public:
  struct Options {
    int free_failures = 5;
    double max_backoff_seconds = 900;
    double spray_per_minute = 10;   // 0: no spraying limit
    UserService* shared = nullptr;  // null: failures are counted in this process only
    std::string device_key;         // empty: drawn at construction (this process only)
  };
  explicit LoginGuard(Options options);

  // The device id in a device cookie when it is valid for `account`, else "".
  std::string DeviceOf(const std::string& account, const std::string& cookie) const;
  // A new device cookie value for `account` (set after a successful login).
  std::string NewDeviceCookie(const std::string& account) const;
  // Seconds before this client may try `account` again (0: now).
  double WaitSeconds(const std::string& account, const std::string& client,
                     const std::string& device);
  void Failed(const std::string& account, const std::string& client, const std::string& device);
  void Succeeded(const std::string& account, const std::string& client, const std::string& device);

 private:
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point blocked_until;
  };
  static std::string Key(const std::string& account, const std::string& client,
                         const std::string& device);
  const Options options_;
  const std::string device_key_;  // Options::device_key, else drawn per process
  RateLimiter spray_;             // thread-safe itself
  Mutex mutex_;
  std::map<std::string, Failures> failures_ GUARDED_BY(mutex_);
};

// At most `slots` large request bodies read and handled at once (their parsing is what takes
// memory); others wait up to `wait` for a slot.
class LargeBodySlots {
 public:
  explicit LargeBodySlots(int slots) : free_(slots) {}
  bool Acquire(std::chrono::milliseconds wait);
  void Release();

 private:
  Mutex mutex_;
  CondVar released_;  // signalled when free_ grows
  int free_ GUARDED_BY(mutex_);
};

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_HTTP_LIMITS_H_
