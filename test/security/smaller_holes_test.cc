// Issue 10, item 8 on both databases: the audit log is append-only for every statement form,
// the SQLite file is the owner's alone, API tokens expire, are listed without secrets and
// revoked, If-Match naming nothing is 412, ids are parsed strictly, and empty names and zero
// deadlines are refused. Each test fails without its fix.
#include <httplib.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "tandem/server/http_server.h"
#include "tandem/store/database.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::TestDatabase;

class SmallerHolesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    service_ = Open(testing::TestOptions(database_->url()));
    ASSERT_TRUE(service_);
    Outcome<Credential> admin = service_->users().AddUser("admin-bot", "admin", true);
    ASSERT_TRUE(admin.ok());
    admin_token_ = admin.value().secret;
    ASSERT_TRUE(service_->workspaces()
                    .Import(testing::As(Role::kAdmin), "toy", testing::kToyScenario, {}, "toy.yaml")
                    .ok());
  }
  void TearDown() override {
    if (http_) http_->Stop();
    http_.reset();
    service_.reset();
  }
  static std::unique_ptr<Service> Open(ServiceOptions options) {
    Outcome<std::unique_ptr<Service>> opened = Service::Open(std::move(options));
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }
  httplib::Client& Client() {
    if (!http_) {
      HttpOptions options;
      options.port = 0;
      options.requests_per_second = 0;
      options.threads = 8;
      options.max_connections_per_client = 8;
      http_ = std::make_unique<HttpServer>(*service_, options);
      EXPECT_TRUE(http_->Start().ok());
      client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
      client_->set_default_headers({{"Authorization", "Bearer " + admin_token_}});
    }
    return *client_;
  }
  Status Exec(const std::string& sql) {
    Result<std::unique_ptr<store::Database>> db = store::OpenDatabase(database_->url(), 1);
    if (!db.ok()) return db.error();
    return db.value()->Transaction([&](store::Connection& c) -> Status {
      Result<store::Rows> rows = c.Query(sql, {});
      return rows.ok() ? OkStatus() : Status(rows.error());
    });
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_token_;
};

TEST_P(SmallerHolesTest, TheAuditLogIsAppendOnlyForEveryStatementForm) {
  const std::string row =
      "(1, 'toy', '', 'forger', 'create', 'x', '{}', '2027-01-01T00:00:00.000Z')";
  const std::string columns =
      "audit (id, workspace_id, campaign, actor, action, target, detail, at)";
  EXPECT_FALSE(Exec("UPDATE audit SET actor = 'forger'").ok());
  EXPECT_FALSE(Exec("DELETE FROM audit").ok());
  if (GetParam() == "sqlite") {
    EXPECT_FALSE(Exec("INSERT OR REPLACE INTO " + columns + " VALUES " + row).ok());
    EXPECT_FALSE(Exec("REPLACE INTO " + columns + " VALUES " + row).ok());
    // Also on a connection that did not turn recursive triggers on (the sqlite3 shell's).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((database_->folder() / "tandem.db").c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, ("INSERT OR REPLACE INTO " + columns + " VALUES " + row).c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  } else {
    EXPECT_FALSE(Exec("TRUNCATE audit").ok());
    EXPECT_FALSE(Exec("INSERT INTO " + columns + " VALUES " + row +
                      " ON CONFLICT (id) DO UPDATE SET actor = 'forger'")
                     .ok());
  }
  Outcome<Reply> audit = service_->alerts().Audit(testing::As(Role::kAdmin), "toy", "");
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit.value().body["items"].empty());
  EXPECT_EQ(audit.value().body.dump().find("forger"), std::string::npos);
  // Appending still works.
  EXPECT_TRUE(Exec("INSERT INTO audit (workspace_id, campaign, actor, action, target, detail, at) "
                   "VALUES ('toy', '', 'a', 'b', 'c', '{}', 'd')")
                  .ok());
}

TEST_P(SmallerHolesTest, TheDatabaseFileIsTheOwnersAlone) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "PostgreSQL keeps its own files";
  for (const char* name : {"tandem.db", "tandem.db-wal", "tandem.db-shm"}) {
    struct stat info {};
    ASSERT_EQ(::stat((database_->folder() / name).c_str(), &info), 0) << name;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
  }
}

TEST_P(SmallerHolesTest, ApiTokensExpireAreListedWithoutSecretsAndAreRevoked) {
  Outcome<Credential> bot = service_->users().AddUser("ci-bot", "operations", true, 1);
  ASSERT_TRUE(bot.ok());
  Outcome<Credential> second = service_->users().NewToken("ci-bot", 30);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(service_->users().AuthenticateBearer(bot.value().secret).ok());
  // Two days later the one-day token has expired; the 30-day one has not.
  ServiceOptions later = testing::TestOptions(database_->url());
  later.clock = [] { return std::chrono::system_clock::from_time_t(1798761600 + 2 * 86400); };
  later.run_jobs = false;
  std::unique_ptr<Service> future = Open(later);
  ASSERT_TRUE(future);
  EXPECT_EQ(future->users().AuthenticateBearer(bot.value().secret).error().status, 401);
  EXPECT_TRUE(future->users().AuthenticateBearer(second.value().secret).ok());
  // Listed by id and dates, never with a secret or its hash.
  Outcome<Reply> listed = future->users().ListTokens(testing::As(Role::kAdmin), "ci-bot");
  ASSERT_TRUE(listed.ok());
  const json items = listed.value().body["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["expired"], true);
  EXPECT_EQ(items[0]["expires_at"], "2027-01-02T00:00:00.000Z");  // 1 day after "now"
  EXPECT_EQ(items[1]["expired"], false);
  const std::string text = listed.value().body.dump();
  for (const std::string& secret : {bot.value().secret, second.value().secret}) {
    EXPECT_EQ(text.find(secret.substr(4, 16)), std::string::npos);
  }
  // Revoked through the API: the token stops working at once.
  httplib::Result revoke = Client().Delete(
      ("/api/users/ci-bot/tokens/" + std::to_string(items[1]["id"].get<int64_t>())).c_str());
  ASSERT_TRUE(revoke);
  EXPECT_EQ(revoke->status, 200) << revoke->body;
  EXPECT_EQ(service_->users().AuthenticateBearer(second.value().secret).error().status, 401);
  EXPECT_EQ(Client().Delete("/api/users/ci-bot/tokens/999")->status, 404);
  httplib::Result api_list = Client().Get("/api/users/ci-bot/tokens");
  ASSERT_TRUE(api_list);
  EXPECT_EQ(json::parse(api_list->body)["items"].size(), 1u);
  EXPECT_EQ(service_->users().ListTokens(testing::As(Role::kOperations), "ci-bot").error().status,
            403);
}

TEST_P(SmallerHolesTest, IfMatchNamingNothingIsPreconditionFailed) {
  httplib::Headers made_up = {{"If-Match", "\"7\""}};
  httplib::Result file =
      Client().Put("/api/workspaces/toy/files/new.csv", made_up, "date,units\n", "text/csv");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 412) << file->body;
  EXPECT_EQ(Client().Get("/api/workspaces/toy/files/new.csv")->status, 404);
  httplib::Result entity = Client().Put("/api/workspaces/toy/capabilities/new", made_up,
                                        json{{"claim", "x"}}.dump(), "application/json");
  ASSERT_TRUE(entity);
  EXPECT_EQ(entity->status, 412) << entity->body;
  EXPECT_EQ(Client().Get("/api/workspaces/toy/capabilities/new")->status, 404);
}

TEST_P(SmallerHolesTest, IdsAndCountersAreParsedStrictly) {
  Outcome<Reply> check =
      service_->jobs().RequestCheck(testing::As(Role::kAdmin), {"toy", "spring"});
  ASSERT_TRUE(check.ok());
  const int64_t job = check.value().body["check"]["job"];
  EXPECT_EQ(Client().Get(("/api/jobs/" + std::to_string(job)).c_str())->status, 200);
  for (const char* suffix : {"abc", "x", "%20", ".0"}) {
    const std::string path = "/api/jobs/" + std::to_string(job) + suffix;
    EXPECT_EQ(Client().Get(path.c_str())->status, 404) << path;
  }
  EXPECT_EQ(Client().Get("/api/workspaces/toy/alerts?after=1x")->status, 400);
  EXPECT_EQ(Client().Get("/api/workspaces/toy/alerts?after=-1")->status, 400);
  EXPECT_EQ(Client().Get("/api/workspaces/toy/alerts?after=0")->status, 200);
  EXPECT_EQ(
      Client().Get("/api/workspaces/toy/capabilities/gift-wrap", {{"If-None-Match", "x"}})->status,
      200);
  EXPECT_EQ(Client()
                .Put("/api/workspaces/toy/capabilities/gift-wrap", {{"If-Match", "\" 1\""}},
                     json{{"claim", "x"}}.dump(), "application/json")
                ->status,
            400);
}

TEST_P(SmallerHolesTest, EmptyNamesAndZeroDeadlinesAreRefused) {
  const Actor marketing = testing::As(Role::kMarketing);
  Outcome<Reply> settings = service_->workspaces().GetWorkspace(marketing, "toy");
  ASSERT_TRUE(settings.ok());
  json unnamed = settings.value().body["settings"];
  unnamed["name"] = "";
  Outcome<Reply> refused = service_->workspaces().PutSettings(
      marketing, "toy", SettingsRequest{unnamed}, settings.value().version);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 422);
  EXPECT_EQ(refused.error().fields.at(0).field, "name");
  Outcome<Reply> campaign =
      service_->workspaces().GetEntity(marketing, "toy", "campaigns", "spring");
  ASSERT_TRUE(campaign.ok());
  json body = campaign.value().body["body"];
  body["promises"][0]["within"] = "0h";
  Outcome<Reply> instant = service_->workspaces().PutEntity(marketing, "toy", "campaigns", "spring",
                                                            body, campaign.value().version);
  ASSERT_FALSE(instant.ok());
  EXPECT_EQ(instant.error().status, 422);
  EXPECT_EQ(instant.error().fields.at(0).field, "promises[0].within");
  body["promises"][0]["within"] = "72h";
  body["name"] = "  ";
  Outcome<Reply> blank = service_->workspaces().PutEntity(marketing, "toy", "campaigns", "spring",
                                                          body, campaign.value().version);
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().fields.at(0).field, "name");
}

TANDEM_INSTANTIATE_BACKENDS(SmallerHolesTest);

}  // namespace
}  // namespace tandem::server
