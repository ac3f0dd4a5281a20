// Issue 10, items 1-7 on both databases: hostile, oversized and slow input against the real HTTP
// server on loopback. Each test reproduces a finding of the issue and fails without its fix:
// nesting that crashed the process, chunked bodies past the limit and before authentication,
// documents larger than the model needs, concurrent writers on one workspace, the 40 ms stall of
// keep-alive requests, slow connections that stalled /healthz, and a login limiter that locked
// everyone out.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "raw_http.h"
#include "tandem/io/input_limits.h"
#include "tandem/server/http_server.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::RawConnection;
using testing::TestDatabase;

struct Response {
  int status = 0;
  json body;
  std::string text;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

std::string Nested(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text.append(static_cast<size_t>(depth), '}');
  return text;
}

class ServerLimitsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Outcome<std::unique_ptr<Service>> opened =
        Service::Open(testing::TestOptions(database_->url()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    service_ = std::move(opened.value());
    for (Role role :
         {Role::kMarketing, Role::kOperations, Role::kFinance, Role::kService, Role::kAdmin}) {
      Outcome<Credential> credential =
          service_->users().AddUser(std::string(RoleName(role)) + "-bot", RoleName(role), true);
      ASSERT_TRUE(credential.ok());
      tokens_[role] = credential.value().secret;
    }
    ASSERT_TRUE(service_->workspaces()
                    .Import(testing::As(Role::kAdmin), "toy", testing::kToyScenario, {}, "toy.yaml")
                    .ok());
    StartServer(Options());
  }
  void TearDown() override {
    if (http_) http_->Stop();
    http_.reset();
    service_.reset();
  }

  static HttpOptions Options() {
    HttpOptions options;
    options.port = 0;
    options.requests_per_second = 0;
    options.threads = 8;
    options.max_body_bytes = 256 * 1024;
    options.max_json_body_bytes = 64 * 1024;
    return options;
  }
  void StartServer(HttpOptions options) {
    if (http_) http_->Stop();
    http_ = std::make_unique<HttpServer>(*service_, options);
    Status started = http_->Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
  }

  Response Send(const std::string& method, const std::string& path, const std::string& body = "",
                httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", http_->port());
    client.set_read_timeout(30, 0);
    httplib::Result result =
        method == "GET"      ? client.Get(path.c_str(), headers)
        : method == "DELETE" ? client.Delete(path.c_str(), headers, body, "application/json")
        : method == "PUT"    ? client.Put(path.c_str(), headers, body, "application/json")
                             : client.Post(path.c_str(), headers, body, "application/json");
    Response response;
    if (!result) return response;
    response.status = result->status;
    response.text = result->body;
    response.headers = result->headers;
    response.body = json::parse(result->body, nullptr, false);
    return response;
  }
  Response As(Role role, const std::string& method, const std::string& path,
              const std::string& body = "", std::optional<int64_t> if_match = std::nullopt) {
    httplib::Headers headers = {{"Authorization", "Bearer " + tokens_[role]}};
    if (if_match) headers.emplace("If-Match", "\"" + std::to_string(*if_match) + "\"");
    return Send(method, path, body, headers);
  }
  int64_t AuditCount() {
    Outcome<Reply> audit = service_->alerts().Audit(testing::As(Role::kAdmin), "toy", "");
    EXPECT_TRUE(audit.ok());
    return audit.ok() ? static_cast<int64_t>(audit.value().body["items"].size()) : -1;
  }
  std::string Auth(Role role) { return "Authorization: Bearer " + tokens_[role] + "\r\n"; }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;
  std::map<Role, std::string> tokens_;
};

// Item 1: ~60,000 levels crashed the process (stack overflow) on these routes.
TEST_P(ServerLimitsTest, DeeplyNestedBodiesAreRefusedNamingTheLimit) {
  HttpOptions roomy = Options();
  roomy.max_json_body_bytes = 1 << 20;  // the hostile document fits the size limit
  roomy.max_body_bytes = 1 << 20;
  StartServer(roomy);
  const std::string deep = Nested(60000);
  const std::vector<std::pair<Role, std::pair<std::string, std::string>>> attempts = {
      {Role::kOperations, {"PUT", "/api/workspaces/toy/capabilities/deep"}},
      {Role::kMarketing, {"PUT", "/api/workspaces/toy/campaigns/deep"}},
      {Role::kMarketing, {"PUT", "/api/workspaces/toy"}},
      {Role::kMarketing, {"POST", "/api/workspaces"}},
      {Role::kAdmin, {"POST", "/api/workspaces/toy/import"}},
  };
  for (const auto& [role, route] : attempts) {
    Response refused = As(role, route.first, route.second, deep, 1);
    EXPECT_EQ(refused.status, 400) << route.second << ": " << refused.text.substr(0, 300);
    EXPECT_NE(refused.text.find("nested more than 64 deep"), std::string::npos) << refused.text;
  }
  // Block-style YAML nests without brackets: the import refuses it with the same limit.
  std::string block;
  for (int i = 0; i < 3000; ++i) block += "- ";
  block += "x\n";
  Response yaml = As(Role::kAdmin, "POST", "/api/workspaces/toy/import", block);
  EXPECT_EQ(yaml.status, 422) << yaml.text.substr(0, 300);
  EXPECT_NE(yaml.text.find("nested more than 64 deep"), std::string::npos) << yaml.text;
  // The limit is exactly 64: 64 levels are parsed (and judged by the model), 65 are not.
  EXPECT_EQ(FindJsonTooDeep(Nested(64)), std::string_view::npos);
  EXPECT_EQ(FindJsonTooDeep(Nested(65)), 64u * 5);
  EXPECT_EQ(FindJsonTooDeep("{\"[[[[\": \"\\\"{{{{\"}", 2), std::string_view::npos);
  Response health = Send("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
}

// Item 2: chunked bodies bypassed the limit, and were read before authentication.
TEST_P(ServerLimitsTest, BodiesObeyTheLimitForEveryEncodingAndBeforeAuthentication) {
  const int64_t audit_before = AuditCount();
  // Chunked, authenticated, over the 256 KiB text limit: 413 and nothing stored.
  {
    RawConnection connection(http_->port());
    ASSERT_TRUE(connection.connected());
    std::string request = "PUT /api/workspaces/toy/files/big.csv HTTP/1.1\r\nHost: x\r\n" +
                          Auth(Role::kOperations) + "Transfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(16384, 'x');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 20; ++i) request += size + chunk + "\r\n";  // 320 KiB
    request += "0\r\n\r\n";
    connection.Send(request);
    EXPECT_EQ(connection.ReadStatus(10), 413);
  }
  EXPECT_EQ(As(Role::kOperations, "GET", "/api/workspaces/toy/files/big.csv").status, 404);
  EXPECT_EQ(AuditCount(), audit_before);
  // Unauthenticated login with a 10 MB chunked body: refused after the 4 KiB login limit, long
  // before the body has been sent.
  {
    // The client's buffer is fixed at 64 KiB: with autotuning it grew to 4 MiB under ASan while
    // the server was still answering, and `sent` counted the client's own buffer.
    RawConnection connection(http_->port());
    connection.FixSendBuffer(64 * 1024);
    connection.Send("POST /api/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(65536, '{') + "\r\n";
    size_t sent = 0;
    while (sent < (size_t{10} << 20) && !connection.Readable(0) && connection.Send(chunk))
      sent += 65536;
    EXPECT_EQ(connection.ReadStatus(10), 413);
    // What was accepted: the server's reads (4 KiB and the chunk it was in), the client's 128 KiB
    // buffer and the server's receive buffer (128 KiB by default, growing only while read).
    EXPECT_LT(sent, size_t{1} << 20) << "the server read far past its 4 KiB login limit";
  }
  // A body nobody authenticated is never read: 401 at once, and the connection closes.
  {
    RawConnection connection(http_->port());
    connection.Send(
        "PUT /api/workspaces/toy/files/a.csv HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "100000000\r\n\r\nsome");
    EXPECT_EQ(connection.ReadStatus(10), 401);
    EXPECT_TRUE(connection.ClosedWithin(5));
  }
  // An announced length over the limit is refused before a byte of the body is read.
  {
    RawConnection connection(http_->port());
    connection.Send("PUT /api/workspaces/toy/capabilities/x HTTP/1.1\r\nHost: x\r\n" +
                    Auth(Role::kOperations) + "Content-Length: 100000000\r\n\r\n");
    EXPECT_EQ(connection.ReadStatus(10), 413);
  }
  EXPECT_EQ(AuditCount(), audit_before);
}

// Item 3: a 7.8 MB JSON document took the server to 880 MB. JSON bodies are documents of the
// model (entries, settings): they get their own, smaller limit.
TEST_P(ServerLimitsTest, JsonDocumentsLargerThanTheModelNeedsAreRefused) {
  HttpOptions defaults;
  defaults.port = 0;
  defaults.requests_per_second = 0;
  defaults.threads = 8;
  StartServer(defaults);  // the defaults: 1 MiB JSON, 8 MiB text
  json capability = {{"claim", std::string(7800000, 'x')}};
  const std::string document = capability.dump();
  // Announced: refused before the body is sent. Chunked: refused after 1 MiB of it.
  RawConnection announced(http_->port());
  announced.Send("PUT /api/workspaces/toy/capabilities/huge HTTP/1.1\r\nHost: x\r\n" +
                 Auth(Role::kOperations) + "Content-Length: " + std::to_string(document.size()) +
                 "\r\n\r\n");
  std::string text;
  EXPECT_EQ(announced.ReadStatus(10, &text), 413);
  EXPECT_NE(text.find("at most 1 MiB"), std::string::npos) << text;
  RawConnection chunked(http_->port());
  chunked.Send("PUT /api/workspaces/toy/capabilities/huge HTTP/1.1\r\nHost: x\r\n" +
               Auth(Role::kOperations) + "Transfer-Encoding: chunked\r\n\r\n");
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", document.size());
  chunked.Send(size);
  size_t sent = 0;
  while (sent < document.size() && !chunked.Readable(0) &&
         chunked.Send(std::string_view(document).substr(sent, 65536)))
    sent += 65536;
  EXPECT_EQ(chunked.ReadStatus(10), 413);
  EXPECT_EQ(As(Role::kOperations, "GET", "/api/workspaces/toy/capabilities/huge").status, 404);
  capability["claim"] = "gift boxes";
  EXPECT_EQ(
      As(Role::kOperations, "PUT", "/api/workspaces/toy/capabilities/boxes", capability.dump())
          .status,
      201);
}

// Item 4: concurrent writers on one workspace (PostgreSQL serialization failures became 500).
TEST_P(ServerLimitsTest, ConcurrentWritersOnOneWorkspaceAllSucceed) {
  constexpr int kWriters = 8;
  constexpr int kWrites = 6;
  std::vector<std::thread> writers;
  std::mutex mutex;
  std::vector<std::string> failures;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string id = "cap-" + std::to_string(w) + "-" + std::to_string(i);
        Outcome<Reply> put =
            service_->workspaces().PutEntity(testing::As(Role::kOperations), "toy", "capabilities",
                                             id, json{{"claim", "claim " + id}}, std::nullopt);
        if (!put.ok()) {
          std::lock_guard<std::mutex> lock(mutex);
          failures.push_back(id + ": " + put.error().ToJson().dump());
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  Outcome<Reply> listed =
      service_->workspaces().ListEntities(testing::As(Role::kOperations), "toy", "capabilities");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.value().body["items"].size(), 1u + kWriters * kWrites);  // gift-wrap + new
}

// Item 5: every keep-alive request cost ~44 ms (Nagle's algorithm against delayed ACKs). The
// median of 30 requests on one connection stays far below that stall.
TEST_P(ServerLimitsTest, KeepAliveRequestsAreNotDelayedByNagle) {
  httplib::Client client("127.0.0.1", http_->port());
  client.set_keep_alive(true);
  const httplib::Headers auth = {{"Authorization", "Bearer " + tokens_[Role::kService]}};
  for (const char* path : {"/healthz", "/api/workspaces/toy/campaigns/spring"}) {
    std::vector<double> millis;
    for (int i = 0; i < 31; ++i) {
      const auto start = std::chrono::steady_clock::now();
      httplib::Result result = client.Get(path, auth);
      ASSERT_TRUE(result) << path;
      ASSERT_EQ(result->status, 200);
      millis.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(millis.begin(), millis.end());
    EXPECT_LT(millis[15], 20.0) << path << ": median " << millis[15] << " ms";
  }
}

// Item 6: 70 connections sending a header byte at a time stalled /healthz for 25 s.
TEST_P(ServerLimitsTest, SlowConnectionsNeitherStallHealthChecksNorHoldThreadsForLong) {
  HttpOptions options = Options();
  options.header_timeout_seconds = 2;
  StartServer(options);  // 8 threads: at most 4 connections from one address
  std::atomic<bool> done{false};
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 70; ++i)
    slow.push_back(std::make_unique<RawConnection>(http_->port(), "127.0.0.2"));
  std::thread trickle([&] {
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Padding: ";
    for (size_t at = 0; !done && at < 200; ++at) {
      for (auto& connection : slow) connection->Send(std::string(1, request[at % request.size()]));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto start = std::chrono::steady_clock::now();
  Response health = Send("GET", "/healthz");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(health.status, 200);
  EXPECT_LT(seconds, 1.5) << "/healthz waited behind the slow connections";
  // Over the per-address cap (4 of the 8 threads) they were answered 503 with Retry-After at
  // once; the ones let in are cut off after the header timeout (2 s), not kept for ever.
  int busy = 0;
  int ended = 0;
  for (auto& connection : slow) {
    std::string text;
    const int status = connection->ReadStatus(6, &text);
    if (status == 503 && text.find("Retry-After: 1") != std::string::npos) ++busy;
    if (status == 503 || connection->ClosedWithin(6)) ++ended;
  }
  done = true;
  trickle.join();
  EXPECT_GE(busy, 40) << "connections over the per-address cap were not refused";
  EXPECT_EQ(ended, 70);
}

// Item 7: the login limiter was keyed on the peer address, so behind a proxy one attacker
// locked everyone out, and a correct password got 429.
TEST_P(ServerLimitsTest, LoginFailuresSlowTheGuesserNotTheOwner) {
  HttpOptions options = Options();
  options.logins_per_minute = 1000;  // the per-address spraying limit is not what is tested
  options.trusted_proxies = {"127.0.0.1"};
  StartServer(options);
  Outcome<Credential> marge = service_->users().AddUser("marge", "marketing", false);
  ASSERT_TRUE(marge.ok());
  const auto login = [&](const std::string& password, const std::string& client,
                         const std::string& cookie = "") {
    httplib::Headers headers = {{"X-Forwarded-For", client}};
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return Send("POST", "/api/session", json{{"name", "marge"}, {"password", password}}.dump(),
                headers);
  };
  std::vector<int> attacker;
  for (int i = 0; i < 8; ++i)
    attacker.push_back(login("guess-" + std::to_string(i), "203.0.113.9").status);
  // Five free failures, then the guesser waits (1 s, 2 s, ...): refused without a check.
  EXPECT_EQ(attacker, (std::vector<int>{401, 401, 401, 401, 401, 429, 429, 429}));
  // The owner, from another client behind the same proxy, is not held by them.
  EXPECT_EQ(login(marge.value().secret, "203.0.113.7").status, 200);
  // Without --trusted-proxy every client is the proxy: the owner's browser, which has logged in
  // before, is known by its device cookie, and the guesser's failures do not hold it either.
  HttpOptions untrusted = options;
  untrusted.trusted_proxies.clear();
  StartServer(untrusted);
  Response owner = login(marge.value().secret, "ignored");
  ASSERT_EQ(owner.status, 200) << owner.text;
  std::string device;
  for (const auto& [name, value] : owner.headers) {
    if (name == "Set-Cookie" && value.rfind("tandem_device=", 0) == 0)
      device = value.substr(0, value.find(';'));
  }
  ASSERT_FALSE(device.empty());
  for (int i = 0; i < 7; ++i) login("guess-" + std::to_string(i), "ignored");
  EXPECT_EQ(login("guess-8", "ignored").status, 429);
  EXPECT_EQ(login(marge.value().secret, "ignored", device).status, 200);
  // A forged device cookie is no cookie.
  EXPECT_EQ(login(marge.value().secret, "ignored", "tandem_device=00ff.deadbeef").status, 429);
}

TANDEM_INSTANTIATE_BACKENDS(ServerLimitsTest);

}  // namespace
}  // namespace tandem::server
