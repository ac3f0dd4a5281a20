// The webhook dispatcher: claims due deliveries from the outbox, POSTs them (cpp-httplib's
// client, http and https), records each attempt and schedules retries. Contract and shutdown
// bound: tandem/server/webhooks.h.
#include <httplib.h>
#include <sodium.h>

#include "server/alert_mail.h"
#include "tandem/server/webhooks.h"

namespace tandem::server {

using json = nlohmann::json;
using store::Connection;
using store::Rows;

namespace {

int64_t EpochMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kMaxResponseBytes = 64 * 1024;  // more of a receiver's answer is not read

}  // namespace

struct Webhooks::Due {
  int64_t id = 0;
  std::string ws, webhook, kind, body, url, secret;
  int attempts = 0;
};

Webhooks::Webhooks(store::Database& database, WebhookOptions options,
                   std::function<std::string()> now_text)
    : database_(database), options_(std::move(options)), now_text_(std::move(now_text)) {}

Webhooks::~Webhooks() {
  Stop();
}

void Webhooks::Start() {
  {
    MutexLock lock(&mutex_);
    stopping_ = false;
  }
  if (!dispatcher_.joinable()) dispatcher_ = std::thread([this] { Loop(); });
  if (!watchdog_.joinable()) watchdog_ = std::thread([this] { Watchdog(); });
}

void Webhooks::Stop() {
  {
    MutexLock lock(&mutex_);
    stopping_ = true;
    if (in_flight_) in_flight_->stop();  // the watchdog repeats this until the request ends
  }
  wake_.SignalAll();
  watch_.SignalAll();
  if (dispatcher_.joinable()) dispatcher_.join();
  if (watchdog_.joinable()) watchdog_.join();
}

void Webhooks::Wake() {
  {
    MutexLock lock(&mutex_);
    woken_ = true;
  }
  wake_.SignalAll();
}

Webhooks::Counters Webhooks::counters() const {
  MutexLock lock(&mutex_);
  return counters_;
}

void Webhooks::Loop() {
  for (;;) {
    {
      MutexLock lock(&mutex_);
      if (stopping_) return;
    }
    DeliverDue();
    MutexLock lock(&mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.poll;
    while (!stopping_ && !woken_) {
      if (!wake_.WaitUntil(&mutex_, deadline)) break;
    }
    woken_ = false;
    if (stopping_) return;
  }
}

// Aborts a request in flight when the server stops or when it has taken longer than
// delivery_timeout (a receiver trickling bytes would otherwise hold the dispatcher).
void Webhooks::Watchdog() {
  MutexLock lock(&mutex_);
  for (;;) {
    if (in_flight_ && (stopping_ || std::chrono::steady_clock::now() - in_flight_since_ >
                                        options_.delivery_timeout)) {
      in_flight_->stop();
    }
    if (stopping_ && !in_flight_) return;
    watch_.WaitUntil(&mutex_, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
  }
}

int Webhooks::DeliverDue() {
  std::vector<Due> due;
  const int64_t now = EpochMillis();
  Status read = database_.Read([&](Connection& c) -> Status {
    due.clear();
    Result<Rows> rows = c.Query(
        "SELECT o.id, o.workspace_id, o.webhook, o.kind, o.body, o.attempts, w.url, w.secret FROM "
        "outbox o JOIN webhooks w ON w.workspace_id = o.workspace_id AND w.id = o.webhook WHERE "
        "o.status = 'pending' AND o.next_at <= $1 ORDER BY o.next_at, o.id LIMIT 32",
        {now});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      due.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(6),
                     row.Text(7), static_cast<int>(row.Int(5))});
    }
    return OkStatus();
  });
  if (!read.ok()) return 0;
  int attempted = 0;
  for (const Due& delivery : due) {
    {
      MutexLock lock(&mutex_);
      if (stopping_) break;
    }
    // Claim it for the longest a delivery can take: another server on the same database (or this
    // one after a crash) takes it up only once that lease has passed (at least once).
    const int64_t lease = EpochMillis() + options_.delivery_timeout.count() +
                          options_.connect_timeout.count() + 30'000;
    bool claimed = false;
    Status status = database_.Transaction([&](Connection& c) -> Status {
      Result<Rows> rows = c.Query(
          "UPDATE outbox SET next_at = $2 WHERE id = $1 AND status = 'pending' AND next_at <= $3",
          {delivery.id, lease, now});
      if (!rows.ok()) return rows.error();
      claimed = rows.value().affected == 1;
      return OkStatus();
    });
    if (!status.ok() || !claimed) continue;
    DeliverOne(delivery);
    ++attempted;
  }
  return attempted;
}

void Webhooks::DeliverOne(const Due& due) {
  const auto started = std::chrono::steady_clock::now();
  const Attempt sent = Send(due);
  const int http_status = sent.status;
  const std::string& error = sent.error;
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
  const int attempt = due.attempts + 1;
  const bool delivered = error.empty();
  const bool retry = !delivered && sent.retry;
  std::string state = "delivered";
  int64_t next_at = 0;
  if (!delivered) {
    if (retry && attempt < options_.max_attempts) {
      state = "pending";
      const double jitter = randombytes_uniform(1'000'001) / 1'000'000.0;
      next_at = EpochMillis() + RetryDelay(attempt, options_, jitter).count();
    } else {
      state = "failed";
    }
  }
  const std::string now = now_text_();
  Status status = database_.Transaction([&](Connection& c) -> Status {
    Result<Rows> logged = c.Query(
        "INSERT INTO outbox_attempts (outbox_id, attempt, at, status, error, millis) VALUES ($1, "
        "$2, $3, $4, $5, $6)",
        {due.id, attempt, now, http_status ? store::Value(http_status) : store::Value(nullptr),
         error.empty() ? store::Value(nullptr) : store::Value(error), millis});
    if (!logged.ok()) return logged.error();
    Result<Rows> updated = c.Query(
        "UPDATE outbox SET status = $2, attempts = $3, next_at = $4, last_status = $5, last_error "
        "= $6, finished_at = $7 WHERE id = $1",
        {due.id, state, attempt, next_at,
         http_status ? store::Value(http_status) : store::Value(nullptr),
         error.empty() ? store::Value(nullptr) : store::Value(error),
         state == "pending" ? store::Value(nullptr) : store::Value(now)});
    return updated.ok() ? OkStatus() : Status(updated.error());
  });
  (void)status;  // a failed record leaves the lease: the delivery is tried again after it
  MutexLock lock(&mutex_);
  ChannelCounters& counted =
      std::string_view(DeliveryChannel(due.url)) == "email" ? counters_.email : counters_.webhook;
  if (delivered) {
    ++counted.delivered;
  } else if (state == "failed") {
    ++counted.failed;
  } else {
    ++counted.retrying;
  }
}

Webhooks::Attempt Webhooks::SendMail(const Due& due) {
  std::string problem;
  const std::optional<std::string> to = ParseMailto(due.url, &problem);
  if (!to) return {0, "bad address: " + problem, false};
  if (options_.smtp_url.empty())
    return {0, "no SMTP relay: the server runs without --smtp", true};  // may be configured later
  const json body = json::parse(due.body, nullptr, false);
  const std::string text = AlertMailText(body, options_.mail_from, *to,
                                         MailDate(std::chrono::system_clock::now()), due.id);
  const MailOutcome sent =
      SendAlertMail(options_.smtp_url, options_.mail_from, *to, text, options_.connect_timeout,
                    options_.delivery_timeout, [this] {
                      MutexLock lock(&mutex_);
                      return stopping_;
                    });
  return {sent.code, sent.error, sent.retry};
}

Webhooks::Attempt Webhooks::Send(const Due& due) {
  if (std::string_view(DeliveryChannel(due.url)) == "email") return SendMail(due);
  std::string problem;
  const std::optional<WebhookUrl> url = ParseWebhookUrl(due.url, &problem);
  if (!url) return {0, "bad URL: " + problem, true};
  // Resolve now and connect to the address checked: the name may point elsewhere than when
  // the webhook was stored (DNS rebinding).
  Outcome<std::vector<std::string>> addresses = ResolveHost(url->host);
  if (!addresses.ok()) return {0, addresses.error().message, true};
  if (!options_.allow_private) {
    if (std::optional<std::string> internal = InternalAddress(url->host, addresses.value()))
      return {0, "refused: " + *internal + "; requests to internal addresses are not sent", true};
  }
  std::unique_ptr<httplib::ClientImpl> client;
  if (url->scheme == "https") {
    auto tls = std::make_unique<httplib::SSLClient>(url->host, url->port);
    tls->enable_server_certificate_verification(true);
    client = std::move(tls);
  } else {
    client = std::make_unique<httplib::ClientImpl>(url->host, url->port);
  }
  client->set_hostname_addr_map({{url->host, addresses.value().front()}});
  client->set_connection_timeout(options_.connect_timeout);
  client->set_read_timeout(options_.io_timeout);
  client->set_write_timeout(options_.io_timeout);
  client->set_follow_location(false);
  client->set_keep_alive(false);

  httplib::Request request;
  request.method = "POST";
  request.path = url->path;
  const bool v6 = url->host.find(':') != std::string::npos;
  const bool default_port = url->port == (url->scheme == "https" ? 443 : 80);
  request.set_header("Host", (v6 ? "[" + url->host + "]" : url->host) +
                                 (default_port ? "" : ":" + std::to_string(url->port)));
  request.set_header("Content-Type", "application/json");
  request.set_header("User-Agent", "tandem-webhooks/1");
  request.set_header("X-Tandem-Event", due.kind);
  request.set_header("X-Tandem-Delivery", std::to_string(due.id));
  request.set_header("X-Tandem-Signature", WebhookSignature(due.secret, due.body));
  request.body = due.body;
  size_t received = 0;
  request.content_receiver = [&received](const char*, size_t length, uint64_t, uint64_t) {
    received += length;
    return received <= kMaxResponseBytes;
  };
  {
    MutexLock lock(&mutex_);
    if (stopping_) return {0, "the server stopped before sending", true};
    in_flight_ = client.get();
    in_flight_since_ = std::chrono::steady_clock::now();
  }
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  client->send(request, response, error);  // the outcome is in response.status and error
  {
    MutexLock lock(&mutex_);
    in_flight_ = nullptr;
  }
  const int status = response.status > 0 ? response.status : 0;
  if (status >= 200 && status < 300) return {status, "", false};
  // 408, 429, 5xx and no answer: retried. Other answers (3xx, 4xx): the receiver refuses it;
  // sending it again would not help.
  const bool retry = status == 408 || status == 429 || status >= 500;
  if (status > 0) return {status, "the receiver answered " + std::to_string(status), retry};
  return {0, "no answer: " + httplib::to_string(error), true};
}

}  // namespace tandem::server
