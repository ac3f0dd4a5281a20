// Several servers on one database (docs/server.md, "Several servers on one database"), on both
// databases: two Service instances (or a `tandem serve` process and a Service) share one
// database. A job queued on one runs once; a session made on one is accepted by the other; a
// replica killed with SIGKILL in the middle of a job loses nothing (the other takes the job up
// once its lease has passed, and it completes once); an alert's webhook delivery is sent once;
// and claims under contention (SKIP LOCKED on PostgreSQL) hand each job to one claimer.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "serve_process.h"
#include "server/job_claims.h"
#include "tandem/server/http_server.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::TestDatabase;
using namespace std::chrono_literals;

ServiceOptions ReplicaOptions(const std::string& url) {
  ServiceOptions options = testing::TestOptions(url);
  options.job_lease = std::chrono::milliseconds(2'000);
  options.job_poll = std::chrono::milliseconds(50);
  options.webhooks.allow_private = true;
  options.webhooks.poll = std::chrono::milliseconds(20);
  return options;
}

std::unique_ptr<Service> OpenReplica(const ServiceOptions& options) {
  Outcome<std::unique_ptr<Service>> opened = Service::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.error().message;
  return opened.ok() ? std::move(opened.value()) : nullptr;
}

// A counter of /metrics, as the service writes it.
int64_t Metric(Service& service, const std::string& name) {
  const std::string text = service.MetricsText();
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + name.size() + 2));
}

// One row of the jobs table, read directly.
struct JobRow {
  std::string status, claimed_by;
};
JobRow ReadJob(store::Database& database, int64_t job) {
  JobRow row;
  (void)database.Read([&](store::Connection& c) -> Status {
    Result<store::Rows> rows = c.Query("SELECT status, claimed_by FROM jobs WHERE id = $1", {job});
    if (!rows.ok()) return rows.error();
    if (!rows.value().empty()) row = {rows.value().rows[0].Text(0), rows.value().rows[0].Text(1)};
    return OkStatus();
  });
  return row;
}

int64_t Count(store::Database& database, const std::string& sql,
              const std::vector<store::Value>& params) {
  int64_t count = -1;
  (void)database.Read([&](store::Connection& c) -> Status {
    Result<int64_t> value = store::QueryInt(c, sql, params);
    if (!value.ok()) return value.error();
    count = value.value();
    return OkStatus();
  });
  return count;
}

// Waits (a guard of two minutes, not a measurement) until `done` holds.
template <typename Fn>
bool WaitUntil(Fn done, std::chrono::milliseconds guard = 120s) {
  const auto deadline = std::chrono::steady_clock::now() + guard;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

class ReplicaTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Result<std::unique_ptr<store::Database>> opened = store::OpenDatabase(database_->url(), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened.value());
  }
  void TearDown() override {
    store_.reset();
    database_.reset();
  }
  // The job the campaign's process points at.
  int64_t CheckJob(Service& service) {
    Outcome<Reply> process = service.process().GetProcess(As(Role::kMarketing), {"toy", "spring"});
    EXPECT_TRUE(process.ok());
    return process.ok() ? process.value().body["check"].value("job", int64_t{0}) : 0;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::Database> store_;  // the test's own view of the shared database
};

TEST_P(ReplicaTest, AJobQueuedOnOneReplicaRunsOnceAndASessionWorksOnBoth) {
  std::unique_ptr<Service> a = OpenReplica(ReplicaOptions(database_->url()));
  std::unique_ptr<Service> b = OpenReplica(ReplicaOptions(database_->url()));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(
      a->workspaces().Import(As(Role::kAdmin), "toy", testing::kToyScenario, {}, "toy.yaml").ok());
  // Four checks of four contents, asked for on A and B in turn: each runs once, on either.
  std::set<std::string> keys;
  for (int i = 0; i < 4; ++i) {
    Service& asked = i % 2 == 0 ? *a : *b;
    Outcome<Reply> resource =
        asked.workspaces().GetEntity(As(Role::kOperations), "toy", "resources", "packing");
    ASSERT_TRUE(resource.ok());
    json body = resource.value().body["body"];
    body["capacity"] = 1000 + i;
    ASSERT_TRUE(asked.workspaces()
                    .PutEntity(As(Role::kOperations), "toy", "resources", "packing", body,
                               resource.value().version)
                    .ok());
    Outcome<Reply> requested = asked.jobs().RequestCheck(As(Role::kMarketing), {"toy", "spring"});
    ASSERT_TRUE(requested.ok()) << requested.error().ToJson().dump();
    const int64_t job = CheckJob(asked);
    ASSERT_GT(job, 0);
    ASSERT_TRUE(WaitUntil([&] { return ReadJob(*store_, job).status == "done"; }))
        << ReadJob(*store_, job).status;
    keys.insert(requested.value().body["check"].value("key", ""));
  }
  ASSERT_TRUE(a->WaitForJobs(60s) && b->WaitForJobs(60s));
  std::this_thread::sleep_for(300ms);  // several polls of both claimers: nothing runs again
  EXPECT_EQ(keys.size(), 4u);
  EXPECT_EQ(Metric(*a, "tandem_checks_run_total") + Metric(*b, "tandem_checks_run_total"), 4);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM jobs WHERE status = 'done'", {}), 4);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM results WHERE kind = 'check'", {}), 4);
  EXPECT_EQ(
      Count(*store_,
            "SELECT COUNT(*) FROM audit WHERE action = 'check-done' AND campaign = 'spring'", {}),
      4);

  // A session made on A is accepted by B (sessions are rows, not memory), and its logout on B
  // ends it on A.
  Outcome<Credential> user = a->users().AddUser("maria", "marketing", false);
  ASSERT_TRUE(user.ok());
  Outcome<Session> session = a->users().Login("maria", user.value().secret);
  ASSERT_TRUE(session.ok());
  Outcome<Authenticated> on_b = b->users().AuthenticateSession(session.value().token);
  ASSERT_TRUE(on_b.ok()) << on_b.error().message;
  EXPECT_EQ(on_b.value().actor.name, "maria");
  EXPECT_EQ(on_b.value().csrf, session.value().csrf);
  b->users().Logout(session.value().token);
  EXPECT_FALSE(a->users().AuthenticateSession(session.value().token).ok());
}

// A guesser spreading failed logins over two replicas is held as by one, and a device cookie set
// by one replica lets its owner through on the other (both kept in the database).
TEST_P(ReplicaTest, FailedLoginsAndDeviceCookiesAreSharedByReplicas) {
  std::unique_ptr<Service> a = OpenReplica(ReplicaOptions(database_->url()));
  std::unique_ptr<Service> b = OpenReplica(ReplicaOptions(database_->url()));
  ASSERT_TRUE(a && b);
  Outcome<Credential> maria = a->users().AddUser("maria", "marketing", false);
  ASSERT_TRUE(maria.ok());
  HttpOptions http;
  http.port = 0;
  http.logins_per_minute = 0;  // no spraying limit: the per-account hold is what is tested
  HttpServer server_a(*a, http);
  HttpServer server_b(*b, http);
  ASSERT_TRUE(server_a.Start().ok() && server_b.Start().ok());
  httplib::Client on_a("127.0.0.1", server_a.port());
  httplib::Client on_b("127.0.0.1", server_b.port());
  const auto login = [](httplib::Client& client, const std::string& password,
                        const std::string& device) {
    httplib::Headers headers;
    if (!device.empty()) headers.emplace("Cookie", "tandem_device=" + device);
    return client.Post("/api/session", headers,
                       json{{"name", "maria"}, {"password", password}}.dump(), "application/json");
  };
  // Maria logs in on A: her browser gets a device cookie.
  httplib::Result first = login(on_a, maria.value().secret, "");
  ASSERT_TRUE(first && first->status == 200);
  std::string device;
  for (size_t i = 0; i < first->get_header_value_count("Set-Cookie"); ++i) {
    const std::string cookie = first->get_header_value("Set-Cookie", i);
    if (cookie.rfind("tandem_device=", 0) == 0) device = cookie.substr(14, cookie.find(';') - 14);
  }
  ASSERT_FALSE(device.empty());
  // Five wrong passwords on A from an address without her cookie...
  for (int i = 0; i < 5; ++i) {
    httplib::Result wrong = login(on_a, "not-her-password", "");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
  }
  // ... hold that address on B too, even with the right password (it is not checked).
  httplib::Result held = login(on_b, maria.value().secret, "");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->status, 429);
  EXPECT_FALSE(held->get_header_value("Retry-After").empty());
  // Her own browser, with the cookie A set, is let through by B.
  httplib::Result own = login(on_b, maria.value().secret, device);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  server_a.Stop();
  server_b.Stop();
}

// ---- a replica killed in the middle of a job: the real binary, SIGKILL

std::string Binary() {
  return testing::TandemBinary();
}

// The toy check with this many scenarios takes a few seconds on one thread: long enough to be
// killed in the middle of it.
constexpr int kSlowScenarios = 100000;

pid_t StartServe(const std::string& url, int port, const std::string& log) {
  return testing::StartServeProcess(
      url, port, log,
      {"--rate-limit", "0", "--check-scenarios", std::to_string(kSlowScenarios), "--check-threads",
       "1", "--job-lease", "2"});
}

TEST_P(ReplicaTest, AReplicaKilledMidJobLosesNothing) {
  ASSERT_FALSE(Binary().empty()) << "TANDEM_BINARY is not set (ctest sets it)";
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("tandem-replica-" + testing::RandomSuffix());
  std::filesystem::create_directories(folder);
  {
    std::ofstream toy(folder / "toy.yaml");
    toy << testing::kToyScenario;
  }
  const std::string db = " --db '" + database_->url() + "'";
  const auto [user_code, user_output] =
      testing::RunCommand(Binary() + " user add bot --role admin --token" + db);
  ASSERT_EQ(user_code, 0) << user_output;
  const std::string token = user_output.substr(user_output.rfind(": ") + 2, 68);
  const auto [import_code, import_output] = testing::RunCommand(
      Binary() + " import '" + (folder / "toy.yaml").string() + "' --workspace toy" + db);
  ASSERT_EQ(import_code, 0) << import_output;

  // Replica A, a process: it takes the check and is killed while simulating it.
  const int port = testing::FreeLoopbackPort();
  const pid_t a = StartServe(database_->url(), port, (folder / "a.log").string());
  httplib::Client client("127.0.0.1", port);
  ASSERT_TRUE(WaitUntil([&] {
    httplib::Result health = client.Get("/healthz");
    return health && health->status == 200;
  }));
  httplib::Result asked = client.Post("/api/workspaces/toy/campaigns/spring/check",
                                      {{"Authorization", "Bearer " + token}}, "", "text/plain");
  ASSERT_TRUE(asked && asked->status == 202) << (asked ? asked->body : "no answer");
  const int64_t job = json::parse(asked->body)["check"]["job"].get<int64_t>();
  const std::string a_name = ":" + std::to_string(a) + ":";
  ASSERT_TRUE(WaitUntil([&] {
    const JobRow row = ReadJob(*store_, job);
    return row.status == "running" && row.claimed_by.find(a_name) != std::string::npos;
  })) << ReadJob(*store_, job).status;

  // Replica B, in this process with the same options, is running before A dies.
  ServiceOptions options = ReplicaOptions(database_->url());
  options.check_scenarios = kSlowScenarios;
  options.check_threads = 1;
  std::unique_ptr<Service> b = OpenReplica(options);
  ASSERT_TRUE(b);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(ReadJob(*store_, job).claimed_by.find(a_name) != std::string::npos, true)
      << "B took a job whose lease A kept renewing";

  ASSERT_EQ(kill(a, SIGKILL), 0);
  const auto killed = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(a, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_TRUE(WaitUntil([&] {
    const JobRow row = ReadJob(*store_, job);
    return !row.claimed_by.empty() && row.claimed_by.find(a_name) == std::string::npos;
  }));
  const auto taken = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitUntil([&] { return ReadJob(*store_, job).status == "done"; }))
      << ReadJob(*store_, job).status;
  const auto done = std::chrono::steady_clock::now();
  const auto ms = [&](auto to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - killed).count();
  };
  std::printf(
      "[ figures  ] %s: replica killed -> job claimed by the other %lld ms (lease 2000 "
      "ms), -> done %lld ms\n",
      GetParam().c_str(), static_cast<long long>(ms(taken)), static_cast<long long>(ms(done)));
  EXPECT_GE(ms(taken), 0);
  EXPECT_LT(ms(taken), 2'000 + 5'000) << "taken over long after the lease";
  ASSERT_TRUE(b->WaitForJobs(60s));
  // Once: B ran it once, one result, one completion of the campaign's process.
  EXPECT_EQ(Metric(*b, "tandem_checks_run_total"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM results WHERE kind = 'check'", {}), 1);
  EXPECT_EQ(
      Count(*store_,
            "SELECT COUNT(*) FROM audit WHERE action = 'check-done' AND campaign = 'spring'", {}),
      1);
  Outcome<Reply> check = b->jobs().GetCheck(As(Role::kMarketing), {"toy", "spring"}, false);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check.value().body["status"], "done");
  EXPECT_EQ(check.value().body["verdict"], "go");
  b.reset();
  std::error_code ignored;
  std::filesystem::remove_all(folder, ignored);
}

// ---- webhooks: two dispatchers on one outbox

class CountingReceiver {
 public:
  CountingReceiver() {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++by_delivery_[request.get_header_value("X-Tandem-Delivery")];
      response.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 10000 && !server_.is_running(); ++i) std::this_thread::sleep_for(1ms);
  }
  ~CountingReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::map<std::string, int> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return by_delivery_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, int> by_delivery_;
};

TEST_P(ReplicaTest, AWebhookDeliveryIsSentOnceByTwoDispatchers) {
  std::unique_ptr<Service> a = OpenReplica(ReplicaOptions(database_->url()));
  std::unique_ptr<Service> b = OpenReplica(ReplicaOptions(database_->url()));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(
      a->workspaces().Import(As(Role::kAdmin), "toy", testing::kToyScenario, {}, "toy.yaml").ok());
  CountingReceiver receiver;
  ASSERT_TRUE(a->webhooks()
                  .Put(As(Role::kAdmin), {"toy", "ops-chat"},
                       ParseWebhookRequest({{"url", receiver.url()},
                                            {"events", {"stronger-promise"}},
                                            {"secret", "a-secret-of-some-length"}},
                                           false),
                       std::nullopt)
                  .ok());
  // Five claim changes, written on A and B in turn: five alerts, five deliveries.
  for (int i = 0; i < 5; ++i) {
    Service& writer = i % 2 == 0 ? *a : *b;
    Outcome<Reply> current =
        writer.workspaces().GetEntity(As(Role::kOperations), "toy", "capabilities", "gift-wrap");
    ASSERT_TRUE(current.ok());
    ASSERT_TRUE(writer.workspaces()
                    .PutEntity(As(Role::kOperations), "toy", "capabilities", "gift-wrap",
                               {{"id", "gift-wrap"},
                                {"claim", "gift wrapping, style " + std::to_string(i)},
                                {"from", "2027-03-01"}},
                               current.value().version)
                    .ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return receiver.received().size() >= 5; }));
  std::this_thread::sleep_for(500ms);  // ~25 polls of each dispatcher: nothing is sent again
  const std::map<std::string, int> received = receiver.received();
  EXPECT_EQ(received.size(), 5u);
  for (const auto& [delivery, times] : received) EXPECT_EQ(times, 1) << "delivery " << delivery;
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox_attempts", {}), 5);
}

// ---- claims under contention

TEST_P(ReplicaTest, ClaimsUnderContentionHandEachJobToOneClaimer) {
  ASSERT_TRUE(store::Migrate(*store_).ok());
  constexpr int kJobs = 200;
  constexpr int kClaimers = 4;
  Status inserted = store_->Transaction([&](store::Connection& c) -> Status {
    for (int i = 0; i < kJobs; ++i) {
      Result<store::Rows> rows = c.Query(
          "INSERT INTO jobs (workspace_id, campaign, kind, key, cause, status, created_by, "
          "created_at) VALUES ('ws', 'c', $1, $2, 'test', 'queued', 'test', 'now')",
          {i % 4 == 0 ? "recommend" : "check", "key-" + std::to_string(i)});
      if (!rows.ok()) return rows.error();
    }
    return OkStatus();
  });
  ASSERT_TRUE(inserted.ok()) << inserted.error().ToString();
  std::mutex mutex;
  std::map<int64_t, int> claims;  // job -> times claimed
  std::atomic<int> errors{0};
  std::vector<std::thread> claimers;
  const auto started = std::chrono::steady_clock::now();
  for (int t = 0; t < kClaimers; ++t) {
    claimers.emplace_back([&, t] {
      Result<std::unique_ptr<store::Database>> own = store::OpenDatabase(database_->url(), 1);
      if (!own.ok()) {
        ++errors;
        return;
      }
      const std::string replica = "claimer-" + std::to_string(t);
      for (JobLane lane : {JobLane::kChecks, JobLane::kRecommend}) {
        for (;;) {
          Result<std::optional<ClaimedJob>> job =
              ClaimNextJob(*own.value(), replica, lane, std::chrono::minutes(5));
          if (!job.ok()) {
            ++errors;
            return;
          }
          if (!job.value()) break;
          EXPECT_EQ(job.value()->kind == "recommend", lane == JobLane::kRecommend);
          std::lock_guard<std::mutex> lock(mutex);
          ++claims[job.value()->id];
        }
      }
    });
  }
  for (std::thread& claimer : claimers) claimer.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claims.size(), static_cast<size_t>(kJobs));
  for (const auto& [job, times] : claims) EXPECT_EQ(times, 1) << "job " << job;
  std::printf(
      "[ figures  ] %s: %d jobs claimed by %d claimers at once in %.3f s (%.0f claims/s, "
      "%.2f ms each)\n",
      GetParam().c_str(), kJobs, kClaimers, seconds, kJobs / seconds, 1000 * seconds / kJobs);
  // Every claim holds its lease: nothing is claimable again until it passes.
  Result<std::optional<ClaimedJob>> again =
      ClaimNextJob(*store_, "late", JobLane::kChecks, std::chrono::minutes(5));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().has_value());
  // Released claims are claimable at once; then only the new holder may end the job.
  for (int t = 0; t < kClaimers; ++t)
    ASSERT_TRUE(ReleaseClaims(*store_, "claimer-" + std::to_string(t)).ok());
  Result<std::optional<ClaimedJob>> taken =
      ClaimNextJob(*store_, "late", JobLane::kChecks, std::chrono::minutes(5));
  ASSERT_TRUE(taken.ok() && taken.value().has_value());
  Status ended = store_->Transaction([&](store::Connection& c) -> Status {
    for (int t = 0; t < kClaimers; ++t) {
      Result<bool> by_other =
          EndJob(c, taken.value()->id, "claimer-" + std::to_string(t), "done", "", "now");
      if (!by_other.ok()) return by_other.error();
      EXPECT_FALSE(by_other.value());
    }
    Result<bool> by_holder = EndJob(c, taken.value()->id, "late", "done", "", "now");
    if (!by_holder.ok()) return by_holder.error();
    EXPECT_TRUE(by_holder.value());
    return OkStatus();
  });
  EXPECT_TRUE(ended.ok());
}

TANDEM_INSTANTIATE_BACKENDS(ReplicaTest);

}  // namespace
}  // namespace tandem::server
