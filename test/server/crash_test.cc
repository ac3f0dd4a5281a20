// Crash safety, on both databases: the real `tandem serve` binary takes a burst of writes from
// four clients and is killed with SIGKILL in the middle of it. Restarted on the same database,
// every write it had acknowledged is there (with its audit entry: one transaction), and the
// database opens cleanly (SQLite: PRAGMA integrity_check).
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <mutex>
#include <set>
#include <thread>

#include "serve_process.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

using testing::FreeLoopbackPort;
using testing::WaitHealthy;

std::string Binary() {
  return testing::TandemBinary();
}

pid_t StartServer(const std::string& url, int port, const std::string& log) {
  return testing::StartServeProcess(url, port, log,
                                    {"--rate-limit", "0", "--check-scenarios", "20"});
}

class CrashTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashTest, KillNineDuringABurstOfWritesLosesNothingAcknowledged) {
  ASSERT_FALSE(Binary().empty()) << "TANDEM_BINARY is not set (ctest sets it)";
  testing::TestDatabase database(GetParam());
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("tandem-crash-" + testing::RandomSuffix());
  std::filesystem::create_directories(folder);
  {
    std::ofstream toy(folder / "toy.yaml");
    toy << testing::kToyScenario;
  }
  const auto [user_code, user_output] = testing::RunCommand(
      Binary() + " user add crash-bot --role admin --token --db '" + database.url() + "'");
  ASSERT_EQ(user_code, 0) << user_output;
  const std::string token = user_output.substr(user_output.rfind(": ") + 2, 68);
  ASSERT_EQ(token.rfind("tdt_", 0), 0u) << user_output;
  const auto [import_code, import_output] =
      testing::RunCommand(Binary() + " import '" + (folder / "toy.yaml").string() +
                          "' --workspace toy --db '" + database.url() + "'");
  ASSERT_EQ(import_code, 0) << import_output;

  const int port = FreeLoopbackPort();
  const std::string log = (folder / "serve.log").string();
  pid_t server = StartServer(database.url(), port, log);
  ASSERT_TRUE(WaitHealthy(port)) << "the server did not start";

  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> dead{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(10, 0);
      const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
      for (int i = 0; i < 100000 && !dead; ++i) {
        const std::string id = "c" + std::to_string(t) + "-" + std::to_string(i);
        const json body = {{"claim", "claim " + id}};
        httplib::Result result = client.Put(("/api/workspaces/toy/capabilities/" + id).c_str(),
                                            headers, body.dump(), "application/json");
        if (!result) break;  // the server is gone
        if (result->status == 201) {
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.push_back(id);
        }
      }
    });
  }
  for (int i = 0; i < 400; ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (acknowledged.size() >= 40) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(kill(server, SIGKILL), 0);
  int status = 0;
  waitpid(server, &status, 0);
  dead = true;
  for (std::thread& client : clients) client.join();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_GE(acknowledged.size(), 10u) << "too few writes before the kill to test anything";

  // Restarted on the same database: everything acknowledged is there, with its audit entry.
  server = StartServer(database.url(), port, log);
  ASSERT_TRUE(WaitHealthy(port)) << "the server did not restart on the crashed database";
  httplib::Client client("127.0.0.1", port);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  int missing = 0;
  for (const std::string& id : acknowledged) {
    httplib::Result result =
        client.Get(("/api/workspaces/toy/capabilities/" + id).c_str(), headers);
    if (!result || result->status != 200) {
      ++missing;
      continue;
    }
    EXPECT_EQ(json::parse(result->body)["body"]["claim"], "claim " + id);
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged writes";
  httplib::Result audit = client.Get("/api/workspaces/toy/audit", headers);
  ASSERT_TRUE(audit && audit->status == 200);
  std::set<std::string> audited;
  const json entries = json::parse(audit->body);
  for (const json& entry : entries["items"]) audited.insert(entry["target"].get<std::string>());
  int unaudited = 0;
  for (const std::string& id : acknowledged) unaudited += audited.count("capabilities/" + id) == 0;
  EXPECT_EQ(unaudited, 0) << "of " << acknowledged.size() << " acknowledged writes";
  kill(server, SIGTERM);
  waitpid(server, &status, 0);

  if (GetParam() == "sqlite") {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((database.folder() / "tandem.db").c_str(), &db, SQLITE_OPEN_READONLY,
                              nullptr),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "ok");
    sqlite3_finalize(statement);
    sqlite3_close(db);
  }
  std::error_code error;
  std::filesystem::remove_all(folder, error);
}

TANDEM_INSTANTIATE_BACKENDS(CrashTest);

}  // namespace
}  // namespace tandem::server
