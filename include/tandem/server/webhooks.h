// Alerts that leave the app: webhooks (docs/server.md, "Webhooks").
//
// A workspace's admin subscribes a URL to alert kinds (`PUT /api/workspaces/{ws}/webhooks/{id}`
// with {url, events, secret}). Every alert of a subscribed kind is queued in the `outbox` table
// in the same transaction that raises it (QueueWebhookDeliveries, called by AppendAlerts), so a
// delivery survives a crash or a restart. One dispatcher thread POSTs each queued delivery as
// JSON signed with HMAC-SHA256 of the body under the webhook's secret
// (`X-Tandem-Signature: sha256=<hex>`), retries failures with exponential backoff and jitter up to
// `max_attempts`, and records every attempt (the delivery log).
//
// Server-side request forgery: a URL whose host resolves to a loopback, private, link-local,
// unique-local, multicast or otherwise non-public address (IPv4, IPv6, IPv4-mapped IPv6) is
// refused when it is stored and again at every delivery (the name may resolve elsewhere by
// then: DNS rebinding); the delivery connects to the address it checked. `allow_private`
// (`tandem serve --allow-private-webhooks`) lifts this, for tests and closed networks.
//
// Delivery is at least once: a server that stops in the middle of a delivery sends it again
// after a restart (receivers deduplicate by `X-Tandem-Delivery`). Redirects are not followed.
//
// Shutdown is bounded: Stop() wakes the dispatcher, aborts the request in flight (its socket is
// shut down) and joins; it returns within `connect_timeout` plus one DNS lookup (the system
// resolver's timeout), whatever the receiver does. A delivery that takes longer than
// `delivery_timeout` in all is aborted the same way and retried later.
//
// Thread safety: every method may be called from any thread.
#ifndef TANDEM_SERVER_WEBHOOKS_H_
#define TANDEM_SERVER_WEBHOOKS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tandem/common/thread_annotations.h"
#include "tandem/server/api.h"
#include "tandem/server/webhook_requests.h"
#include "tandem/store/database.h"

namespace httplib {
class ClientImpl;
}

namespace tandem::server {

struct WebhookOptions {
  bool allow_private = false;  // --allow-private-webhooks: loopback and private URLs allowed
  int max_attempts = 8;        // then the delivery is `failed`
  // Delay before attempt n+1 after n failed attempts: min(max, base x 2^(n-1)), then a random
  // share of it between 1/2 and 1 (jitter, so that deliveries failing together spread out).
  // Defaults: 30 s, 1 min, 2 min, ... capped at 1 h: eight attempts over about an hour.
  std::chrono::milliseconds backoff_base{30'000};
  std::chrono::milliseconds backoff_max{3'600'000};
  std::chrono::milliseconds poll{1'000};  // how often the dispatcher looks for due deliveries
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds io_timeout{5'000};         // each read or write of a delivery
  std::chrono::milliseconds delivery_timeout{15'000};  // one delivery in all
  // E-mail (`tandem serve --smtp URL`): a webhook whose URL is mailto:ADDRESS is sent through
  // this relay (smtp:// or smtps://, optional user:password@ and port) from `mail_from`. Empty:
  // no e-mail, and mailto: webhooks are refused.
  std::string smtp_url;
  std::string mail_from = "tandem@localhost";
};

// The channel of a webhook URL: "email" for mailto:, else "webhook".
const char* DeliveryChannel(std::string_view url);

// Why `ip` (an IPv4 or IPv6 address in text) is not a public address — "loopback", "private",
// "link-local", "unique-local", "unspecified", "multicast", "reserved", "carrier-grade NAT",
// "documentation", "benchmarking", "IPv4-mapped loopback", ... — or nullopt when it is public.
// Text that is not an address is "not an address".
std::optional<std::string> NonPublicAddress(const std::string& ip);

// "sha256=" and the lowercase hex HMAC-SHA256 of `body` under `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view body);

// The wait before the next attempt after `failed_attempts` (>= 1) failures; `jitter` in [0, 1]
// picks the share between 1/2 and 1 of the exponential delay.
std::chrono::milliseconds RetryDelay(int failed_attempts, const WebhookOptions& options,
                                     double jitter);

// A webhook URL: http or https, a host, an optional port and path; no user information.
struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // a name, an IPv4 address or an IPv6 address (without brackets)
  int port = 0;
  std::string path;  // "/..." with the query
};
std::optional<WebhookUrl> ParseWebhookUrl(const std::string& text, std::string* problem);

// The addresses `host` resolves to (getaddrinfo), or the problem.
Outcome<std::vector<std::string>> ResolveHost(const std::string& host);

// "'HOST' resolves to ADDRESS (why)" for the first of `addresses` (HOST's) that is not public,
// or nullopt when all are: the one check behind the refusal at PUT and at every delivery.
std::optional<std::string> InternalAddress(const std::string& host,
                                           const std::vector<std::string>& addresses);

// Inside the transaction that stores an alert: queues one delivery per webhook of `ws`
// subscribed to the alert's kind. `alert` is the payload's "alert" object.
Outcome<bool> QueueWebhookDeliveries(store::Connection& c, const std::string& ws,
                                     const nlohmann::json& alert, const std::string& now);

class Webhooks {
 public:
  // `now_text` gives the service's time as it stores it (Service::Now).
  Webhooks(store::Database& database, WebhookOptions options,
           std::function<std::string()> now_text);
  ~Webhooks();  // Stop()
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  // Starts the dispatcher (and its watchdog). Without it, deliveries stay queued.
  void Start();
  // Stops within the bound above; queued deliveries stay queued for the next start.
  void Stop();
  // Tells the dispatcher to look for due deliveries now (after a write that queued some).
  void Wake();

  // The API (admin only): list (secrets never shown), create or replace (WebhookRequest,
  // webhook_requests.h; the URL's host must resolve to public addresses unless allow_private;
  // replacing needs If-Match), delete (If-Match), and one webhook's delivery log (newest first,
  // each with its attempts; `limit` deliveries).
  Outcome<Reply> List(const Actor& actor, const std::string& ws);
  Outcome<Reply> Put(const Actor& actor, const WebhookRef& ref,
                     const Parsed<WebhookRequest>& request, std::optional<int64_t> if_match);
  // Whether mailto: webhooks can be sent (an SMTP relay is configured): ParseWebhookRequest's
  // `mail_relay`.
  bool HasMailRelay() const { return !options_.smtp_url.empty(); }
  Outcome<Reply> Delete(const Actor& actor, const std::string& ws, const std::string& id,
                        std::optional<int64_t> if_match);
  Outcome<Reply> Deliveries(const Actor& actor, const std::string& ws, const std::string& id,
                            int64_t limit);

  // One pass of the dispatcher: attempts every delivery due now; returns how many it attempted.
  int DeliverDue();

  // Per channel (webhook, email): deliveries delivered, attempts that failed and will be retried,
  // deliveries given up (failed for good). Since the start; /metrics shows them.
  struct ChannelCounters {
    int64_t delivered = 0, retrying = 0, failed = 0;
  };
  struct Counters {
    ChannelCounters webhook, email;
  };
  Counters counters() const;

 private:
  struct Due;
  void Loop();
  void Watchdog();
  void DeliverOne(const Due& due);
  // One attempt: the HTTP status or SMTP reply code (0: none), the error ("" when delivered)
  // and whether a failure may be retried.
  struct Attempt {
    int status = 0;
    std::string error;
    bool retry = false;
  };
  // Sends the POST (http, https) or the e-mail (mailto:).
  Attempt Send(const Due& due);
  Attempt SendMail(const Due& due);

  store::Database& database_;
  const WebhookOptions options_;
  const std::function<std::string()> now_text_;

  mutable Mutex mutex_;
  CondVar wake_;   // the dispatcher: a wake-up or stop
  CondVar watch_;  // the watchdog: stop
  bool stopping_ GUARDED_BY(mutex_) = false;
  bool woken_ GUARDED_BY(mutex_) = false;
  httplib::ClientImpl* in_flight_ GUARDED_BY(mutex_) = nullptr;  // the request being sent
  std::chrono::steady_clock::time_point in_flight_since_ GUARDED_BY(mutex_);
  Counters counters_ GUARDED_BY(mutex_);
  std::thread dispatcher_;
  std::thread watchdog_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_WEBHOOKS_H_
