// Webhooks on both databases: an alert raised by a write is queued in the outbox in the same
// transaction, POSTed signed to a local receiver (an httplib server in the test), retried after
// 500s, kept across a restart, refused for internal addresses at PUT and at delivery, and
// stopped within a bound when the server stops. The pure pieces (addresses, URLs, signature,
// backoff) are tested against values written out by hand.
#include <httplib.h>
#include <sodium.h>

#include <future>
#include <mutex>
#include <thread>

#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::TestDatabase;

// ---- pure pieces

TEST(WebhookAddress, InternalAddressesAreNamedAndPublicOnesPass) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"169.254.169.254", "link-local"},  // the cloud metadata address
      {"100.64.0.1", "carrier-grade NAT"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"192.0.2.1", "documentation"},
      {"198.18.0.1", "benchmarking"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"::ffff:127.0.0.1", "IPv4-mapped loopback"},
      {"::ffff:10.0.0.1", "IPv4-mapped private"},
      {"::ffff:169.254.169.254", "IPv4-mapped link-local"},
      {"64:ff9b::7f00:1", "NAT64 loopback"},
      {"2002:7f00:1::", "6to4 loopback"},
      {"fc00::1", "unique-local"},
      {"fd12:3456::1", "unique-local"},
      {"fe80::1", "link-local"},
      {"fec0::1", "site-local"},
      {"ff02::1", "multicast"},
      {"2001:db8::1", "documentation"},
      {"2001:0:4136:e378::1", "Teredo"},
      {"::7f00:1", "reserved (IPv4-compatible)"},
      {"localhost", "not an address"},
  };
  for (const auto& [address, why] : refused) {
    EXPECT_EQ(NonPublicAddress(address).value_or("public"), why) << address;
  }
  for (const char* address :
       {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
        "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"}) {
    EXPECT_EQ(NonPublicAddress(address), std::nullopt) << address;
  }
}

TEST(WebhookUrlTest, ParsesWhatItAcceptsAndNamesWhatItRefuses) {
  std::string problem;
  std::optional<WebhookUrl> url =
      ParseWebhookUrl("HTTPS://Hooks.Example.com/in?x=1#frag", &problem);
  ASSERT_TRUE(url) << problem;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "hooks.example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "/in?x=1");
  url = ParseWebhookUrl("http://[::1]:8081", &problem);
  ASSERT_TRUE(url) << problem;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->path, "/");
  for (const char* bad : {"ftp://example.com/", "example.com/hook", "http://user:pw@example.com/",
                          "http://example.com:0/", "http://example.com:70000/", "http:///x",
                          "http://[::1/", "http://exa mple.com/"}) {
    EXPECT_FALSE(ParseWebhookUrl(bad, &problem)) << bad;
  }
}

TEST(WebhookSignatureTest, IsHmacSha256OfTheBody) {
  // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookRetryDelay, DoublesFromTheBaseUpToTheCapWithJitterBetweenHalfAndWhole) {
  WebhookOptions options;  // 30 s base, 1 h cap
  using std::chrono::milliseconds;
  EXPECT_EQ(RetryDelay(1, options, 1.0), milliseconds(30'000));
  EXPECT_EQ(RetryDelay(1, options, 0.0), milliseconds(15'000));
  EXPECT_EQ(RetryDelay(3, options, 1.0), milliseconds(120'000));    // 30 s x 2^2
  EXPECT_EQ(RetryDelay(3, options, 0.5), milliseconds(90'000));     // 120 s x 0.75
  EXPECT_EQ(RetryDelay(8, options, 1.0), milliseconds(3'600'000));  // 30 s x 2^7 = 3840 s > 1 h
}

// ---- a receiver

// An HTTP server on a free loopback port that records what it receives and answers with the
// statuses it is given in turn (then 200). `hold` makes a handler wait until released.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::unique_lock<std::mutex> lock(mutex_);
      received_.push_back({request.body, request.get_header_value("X-Tandem-Signature"),
                           request.get_header_value("X-Tandem-Delivery"),
                           request.get_header_value("X-Tandem-Event")});
      arrived_.notify_all();
      while (hold_) arrived_.wait(lock);
      const int status = statuses_.empty() ? 200 : statuses_.front();
      if (!statuses_.empty()) statuses_.erase(statuses_.begin());
      response.status = status;
      response.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib's stop() is a no-op until the accept loop runs, so a receiver destroyed before its
    // thread got there hung the suite under load (server/sqlite timed out in ctest -j2): wait.
    for (int i = 0; i < 10000 && !server_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    Release();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void AnswerWith(std::vector<int> statuses) {
    std::lock_guard<std::mutex> lock(mutex_);
    statuses_ = std::move(statuses);
  }
  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_ = false;
    arrived_.notify_all();
  }
  struct Received {
    std::string body, signature, delivery, event;
  };
  // Waits (at most a minute: a guard, not a measurement) until `count` requests arrived.
  std::vector<Received> WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, std::chrono::minutes(1), [&] { return received_.size() >= count; });
    return received_;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_.size();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Received> received_;
  std::vector<int> statuses_;
  bool hold_ = false;
};

const char* kSecret = "a-secret-of-some-length";

class WebhookTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Open(true, true);
    Outcome<Reply> imported = service_->workspaces().Import(As(Role::kAdmin), "toy",
                                                            testing::kToyScenario, {}, "toy.yaml");
    ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  }
  void TearDown() override { service_.reset(); }

  ServiceOptions Options(bool allow_private, bool run) {
    ServiceOptions options = testing::TestOptions(database_->url());
    options.run_jobs = run;
    options.webhooks.allow_private = allow_private;
    options.webhooks.backoff_base = std::chrono::milliseconds(20);
    options.webhooks.backoff_max = std::chrono::milliseconds(100);
    options.webhooks.poll = std::chrono::milliseconds(20);
    options.webhooks.max_attempts = 4;
    options.webhooks.io_timeout = io_timeout_;
    options.webhooks.delivery_timeout = 2 * io_timeout_;
    return options;
  }
  void Open(bool allow_private, bool run) {
    service_.reset();
    Outcome<std::unique_ptr<Service>> opened = Service::Open(Options(allow_private, run));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    service_ = std::move(opened.value());
  }

  Outcome<Reply> PutHook(const std::string& url, json events = {"*"},
                         std::optional<int64_t> if_match = std::nullopt) {
    return service_->webhooks().Put(
        As(Role::kAdmin), {"toy", "ops-chat"},
        ParseWebhookRequest({{"url", url}, {"events", events}, {"secret", kSecret}},
                            service_->webhooks().HasMailRelay()),
        if_match);
  }

  // A capability claim change that the toy campaign's window is covered by: one
  // `stronger-promise` alert to marketing per new claim (process_rules.cc, CapabilityAlerts).
  void RaiseAlert(const std::string& claim) {
    Outcome<Reply> current =
        service_->workspaces().GetEntity(As(Role::kOperations), "toy", "capabilities", "gift-wrap");
    ASSERT_TRUE(current.ok());
    Outcome<Reply> changed = service_->workspaces().PutEntity(
        As(Role::kOperations), "toy", "capabilities", "gift-wrap",
        {{"id", "gift-wrap"}, {"claim", claim}, {"from", "2027-03-01"}}, current.value().version);
    ASSERT_TRUE(changed.ok()) << changed.error().ToJson().dump();
  }

  json Log() {
    Outcome<Reply> log = service_->webhooks().Deliveries(As(Role::kAdmin), "toy", "ops-chat", 50);
    EXPECT_TRUE(log.ok()) << log.error().ToJson().dump();
    return log.ok() ? log.value().body : json();
  }
  // Waits (a guard of a minute, not a measurement) until the newest delivery has `attempts`.
  json WaitForAttempts(int attempts) {
    for (int i = 0; i < 3000; ++i) {
      json log = Log();
      if (!log["items"].empty() && log["items"][0]["attempts"].get<int>() >= attempts) return log;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no delivery reached " << attempts << " attempts: " << Log().dump();
    return Log();
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Service> service_;
  std::chrono::milliseconds io_timeout_{5'000};
};

// Destroys the service on another thread and fails (and ends the binary rather than hang) when
// it has not stopped within `bound`.
void StopWithin(std::unique_ptr<Service>& service, std::chrono::seconds bound) {
  auto stopped = std::make_shared<std::promise<void>>();
  std::future<void> done = stopped->get_future();
  std::thread([owned = std::move(service), stopped]() mutable {
    owned.reset();
    stopped->set_value();
  }).detach();
  if (done.wait_for(bound) != std::future_status::ready) {
    ADD_FAILURE() << "the service did not stop within " << bound.count() << " s";
    std::fflush(stdout);
    std::_Exit(1);
  }
}

TEST_P(WebhookTest, AnAlertIsDeliveredSignedAndRetriedAfter500s) {
  Receiver receiver;
  receiver.AnswerWith({500, 503});
  Outcome<Reply> stored = PutHook(receiver.url(), {"stronger-promise"});
  ASSERT_TRUE(stored.ok()) << stored.error().ToJson().dump();
  EXPECT_EQ(stored.value().status, 201);
  EXPECT_EQ(stored.value().body.dump().find(kSecret), std::string::npos);
  RaiseAlert("gift wrapping on every order");
  // Two 500s, then 200: three requests of one delivery, each signed over its body.
  const std::vector<Receiver::Received> got = receiver.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  for (const Receiver::Received& request : got) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(kSecret),
                                std::strlen(kSecret));
    crypto_auth_hmacsha256_update(
        &state, reinterpret_cast<const unsigned char*>(request.body.data()), request.body.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    EXPECT_EQ(request.signature, std::string("sha256=") + hex);
    EXPECT_EQ(request.delivery, got[0].delivery);  // one delivery, sent three times
    EXPECT_EQ(request.event, "stronger-promise");
    const json body = json::parse(request.body);
    EXPECT_EQ(body["workspace"], "toy");
    EXPECT_EQ(body["alert"]["kind"], "stronger-promise");
    EXPECT_EQ(body["alert"]["campaign"], "spring");
    EXPECT_EQ(body["alert"]["audience"], json({"marketing"}));
  }
  const json log = WaitForAttempts(3);
  ASSERT_EQ(log["items"].size(), 1u);
  const json& delivery = log["items"][0];
  EXPECT_EQ(delivery["status"], "delivered");
  EXPECT_EQ(delivery["last_status"], 200);
  ASSERT_EQ(delivery["log"].size(), 3u);
  EXPECT_EQ(delivery["log"][0]["status"], 500);
  EXPECT_EQ(delivery["log"][1]["status"], 503);
  EXPECT_EQ(delivery["log"][2]["status"], 200);
  // Kinds the webhook does not subscribe to are not queued (in the alert's own transaction,
  // so the outbox is final when the write returns).
  ASSERT_TRUE(PutHook(receiver.url(), {"promise-drifting"}, 1).ok());
  RaiseAlert("gift wrapping, now with ribbons");
  EXPECT_EQ(Log()["items"].size(), 1u);
}

TEST_P(WebhookTest, AReceiverThatKeepsFailingIsGivenUpAfterMaxAttempts) {
  Receiver receiver;
  receiver.AnswerWith({500, 500, 500, 500, 500});
  ASSERT_TRUE(PutHook(receiver.url()).ok());
  RaiseAlert("gift wrapping on every order");
  const json log = WaitForAttempts(4);
  EXPECT_EQ(log["items"][0]["status"], "failed");  // max_attempts = 4
  EXPECT_EQ(log["items"][0]["log"].size(), 4u);
  // A 4xx other than 408/429 is the receiver refusing: not retried.
  receiver.AnswerWith({404});
  RaiseAlert("gift wrapping, now with ribbons");
  for (int i = 0; i < 3000 && Log()["items"][0]["status"] == "pending"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const json second = Log()["items"][0];
  EXPECT_EQ(second["status"], "failed");
  EXPECT_EQ(second["attempts"], 1);
  EXPECT_EQ(second["last_status"], 404);
}

TEST_P(WebhookTest, AQueuedDeliverySurvivesARestart) {
  Receiver receiver;
  ASSERT_TRUE(PutHook(receiver.url()).ok());
  // A server that does not deliver (no dispatcher): the alert's delivery stays in the outbox.
  Open(true, false);
  RaiseAlert("gift wrapping on every order");
  json log = Log();
  ASSERT_EQ(log["items"].size(), 1u);
  EXPECT_EQ(log["items"][0]["status"], "pending");
  EXPECT_EQ(log["items"][0]["attempts"], 0);
  StopWithin(service_, std::chrono::seconds(20));
  EXPECT_EQ(receiver.count(), 0u);
  // The next server sends it.
  Open(true, true);
  const std::vector<Receiver::Received> got = receiver.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0].body)["alert"]["kind"], "stronger-promise");
  EXPECT_EQ(WaitForAttempts(1)["items"][0]["status"], "delivered");
}

TEST_P(WebhookTest, StoppingWithADeliveryInFlightIsBounded) {
  Receiver receiver;
  receiver.Hold();  // the receiver never answers until released
  // Reads that would wait a minute: only aborting the request can stop within the bound.
  io_timeout_ = std::chrono::minutes(1);
  Open(true, true);
  ASSERT_TRUE(PutHook(receiver.url()).ok());
  RaiseAlert("gift wrapping on every order");
  ASSERT_EQ(receiver.WaitFor(1).size(), 1u);
  // The request is in flight; the stop aborts it. Bound asserted: 20 s, well above
  // connect_timeout (3 s) and well below the minute a read would wait.
  StopWithin(service_, std::chrono::seconds(20));
  receiver.Release();
  // The aborted attempt is recorded, so the next start retries it.
  Open(true, true);
  EXPECT_GE(receiver.WaitFor(2).size(), 2u);
}

TEST_P(WebhookTest, InternalAddressesAreRefusedAtPutAndAtDelivery) {
  Receiver receiver;
  Open(false, true);
  for (const std::string& url :
       {receiver.url(), std::string("http://localhost:9/"), std::string("http://[::1]:9/"),
        std::string("http://[::ffff:127.0.0.1]:9/"), std::string("http://10.0.0.1/"),
        std::string("http://169.254.169.254/latest/meta-data/"), std::string("http://[fd00::1]/"),
        std::string("http://[fe80::1]/"), std::string("http://2130706433/")}) {
    Outcome<Reply> refused = PutHook(url);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_EQ(refused.error().status, 422) << url;
    ASSERT_EQ(refused.error().fields.size(), 1u) << url;
    EXPECT_EQ(refused.error().fields[0].field, "url");
  }
  // Stored while private addresses were allowed, then the server runs without the flag (as a
  // name that resolves elsewhere by delivery time would): the delivery is refused, not sent.
  Open(true, true);
  ASSERT_TRUE(PutHook(receiver.url()).ok());
  Open(false, true);
  RaiseAlert("gift wrapping on every order");
  const json log = WaitForAttempts(1);
  const std::string error = log["items"][0]["log"][0]["error"].get<std::string>();
  EXPECT_NE(error.find("refused: '127.0.0.1' resolves to 127.0.0.1 (loopback)"), std::string::npos)
      << error;
  EXPECT_EQ(receiver.count(), 0u);
}

TEST_P(WebhookTest, OnlyAdminManagesWebhooksAndReplacingNeedsTheVersion) {
  Receiver receiver;
  const json body = {{"url", receiver.url()}, {"events", {"*"}}, {"secret", kSecret}};
  for (Role role : Functions()) {
    EXPECT_EQ(service_->webhooks()
                  .Put(As(role), {"toy", "x"}, ParseWebhookRequest(body, false), std::nullopt)
                  .error()
                  .status,
              403);
    EXPECT_EQ(service_->webhooks().List(As(role), "toy").error().status, 403);
    EXPECT_EQ(service_->webhooks().Delete(As(role), "toy", "x", 1).error().status, 403);
    EXPECT_EQ(service_->webhooks().Deliveries(As(role), "toy", "x", 5).error().status, 403);
  }
  ASSERT_TRUE(PutHook(receiver.url()).ok());
  EXPECT_EQ(PutHook(receiver.url()).error().status, 428);  // replacing without If-Match
  EXPECT_EQ(PutHook(receiver.url(), {"*"}, 7).error().status, 409);
  Outcome<Reply> bad = PutHook(receiver.url(), {"no-such-kind"}, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().fields.at(0).field, "events[0]");
  Outcome<Reply> replaced = PutHook(receiver.url(), {"promise-drifting"}, 1);
  ASSERT_TRUE(replaced.ok()) << replaced.error().ToJson().dump();
  EXPECT_EQ(replaced.value().version, 2);
  const json listed = service_->webhooks().List(As(Role::kAdmin), "toy").value().body;
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["events"], json({"promise-drifting"}));
  EXPECT_EQ(listed.dump().find(kSecret), std::string::npos);  // never shown
  EXPECT_EQ(service_->webhooks().Delete(As(Role::kAdmin), "toy", "ops-chat", 1).error().status,
            409);
  EXPECT_TRUE(service_->webhooks().Delete(As(Role::kAdmin), "toy", "ops-chat", 2).ok());
  EXPECT_EQ(service_->webhooks().List(As(Role::kAdmin), "toy").value().body["items"].size(), 0u);
}

TANDEM_INSTANTIATE_BACKENDS(WebhookTest);

}  // namespace
}  // namespace tandem::server
