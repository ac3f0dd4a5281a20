// The HTTP layer's limiters.
#include "server/http_limits.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>

#include "server/crypto.h"
#include "server/job_claims.h"
#include "tandem/server/user_service.h"

namespace tandem::server {
namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool IsAddress(const std::string& text) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::string& real_ip, const std::set<std::string>& trusted) {
  if (!trusted.count(peer)) return peer;
  // X-Forwarded-For: client, proxy1, proxy2: the proxies append, so the right-most entry that
  // is not one of ours is the one our proxy saw; the entries left of it are the client's word.
  size_t end = forwarded_for.size();
  while (end > 0) {
    const size_t comma = forwarded_for.rfind(',', end - 1);
    const size_t begin = comma == std::string::npos ? 0 : comma + 1;
    const std::string entry = Trim(forwarded_for.substr(begin, end - begin));
    if (!entry.empty() && !trusted.count(entry)) return IsAddress(entry) ? entry : peer;
    if (comma == std::string::npos) break;
    end = comma;
  }
  std::string real = Trim(real_ip);  // not const: returned by move
  if (!real.empty() && IsAddress(real)) return real;
  return peer;
}

bool RateLimiter::Take(const std::string& key, bool spend) {
  if (per_second_ <= 0) return true;
  const double now = NowSeconds();
  MutexLock lock(&mutex_);
  if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under address churn
  Bucket& bucket = buckets_.try_emplace(key, Bucket{burst_, now}).first->second;
  bucket.tokens = std::min(burst_, bucket.tokens + (now - bucket.at) * per_second_);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  if (spend) bucket.tokens -= 1;
  return true;
}

LoginGuard::LoginGuard(Options options)
    : options_(std::move(options)),
      device_key_(options_.device_key.empty() ? RandomHex(32) : options_.device_key),
      spray_(options_.spray_per_minute / 60.0, std::max(1.0, options_.spray_per_minute)) {}

std::string LoginGuard::Key(const std::string& account, const std::string& client,
                            const std::string& device) {
  return device.empty() ? "address\n" + account + "\n" + client
                        : "device\n" + account + "\n" + device;
}

std::string LoginGuard::NewDeviceCookie(const std::string& account) const {
  const std::string device = RandomHex(16);
  return device + "." + HmacSha256Hex(device_key_, account + "\n" + device);
}

std::string LoginGuard::DeviceOf(const std::string& account, const std::string& cookie) const {
  const size_t dot = cookie.find('.');
  if (dot == std::string::npos || dot == 0) return {};
  const std::string device = cookie.substr(0, dot);
  const std::string expected = HmacSha256Hex(device_key_, account + "\n" + device);
  return ConstantTimeEqual(cookie.substr(dot + 1), expected) ? device : std::string();
}

double LoginGuard::WaitSeconds(const std::string& account, const std::string& client,
                               const std::string& device) {
  if (device.empty() && !spray_.Has(client)) return 60;
  if (options_.shared) {
    const int64_t until = options_.shared->LoginBlockedUntil(Key(account, client, device));
    return std::max(0.0, static_cast<double>(until - EpochMillisNow()) / 1000.0);
  }
  MutexLock lock(&mutex_);
  auto found = failures_.find(Key(account, client, device));
  if (found == failures_.end()) return 0;
  const auto left = found->second.blocked_until - std::chrono::steady_clock::now();
  return std::max(0.0, std::chrono::duration<double>(left).count());
}

void LoginGuard::Failed(const std::string& account, const std::string& client,
                        const std::string& device) {
  if (device.empty()) spray_.Spend(client);
  if (options_.shared) {
    options_.shared->LoginFailed(Key(account, client, device), options_.free_failures,
                                 options_.max_backoff_seconds);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(&mutex_);
  if (failures_.size() > 100000) {
    // Bounded memory under churn: forget clients that may try again anyway.
    for (auto it = failures_.begin(); it != failures_.end();)
      it = it->second.blocked_until <= now ? failures_.erase(it) : std::next(it);
  }
  Failures& failures = failures_[Key(account, client, device)];
  ++failures.count;
  if (failures.count >= options_.free_failures) {
    const int doublings = std::min(failures.count - options_.free_failures, 30);
    const double seconds = std::min(options_.max_backoff_seconds, std::ldexp(1.0, doublings));
    failures.blocked_until = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(seconds));
  }
}

void LoginGuard::Succeeded(const std::string& account, const std::string& client,
                           const std::string& device) {
  if (options_.shared) {
    options_.shared->LoginSucceeded(Key(account, client, device));
    return;
  }
  MutexLock lock(&mutex_);
  failures_.erase(Key(account, client, device));
}

bool LargeBodySlots::Acquire(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  MutexLock lock(&mutex_);
  while (free_ <= 0) {
    if (!released_.WaitUntil(&mutex_, deadline) && free_ <= 0) return false;
  }
  --free_;
  return true;
}

void LargeBodySlots::Release() {
  {
    MutexLock lock(&mutex_);
    ++free_;
  }
  released_.Signal();
}

}  // namespace tandem::server
