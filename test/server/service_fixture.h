// The fixture of the service-layer tests (no HTTP), run on both databases: a Service on a fresh
// database, the toy workspace (test_support.h) and the steps of its campaign's process.
#ifndef TANDEM_TEST_SERVER_SERVICE_FIXTURE_H_
#define TANDEM_TEST_SERVER_SERVICE_FIXTURE_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/advise_output.h"
#include "test_support.h"

namespace tandem::server::testing {

using json = nlohmann::json;
using process::ProcessState;

inline FileLoader NoFiles() {
  return
      [](const std::string& path) -> Result<std::string> { return Error::Io("no file " + path); };
}

class ServiceFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Outcome<std::unique_ptr<Service>> opened = Service::Open(TestOptions(database_->url()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    service_ = std::move(opened.value());
  }
  void TearDown() override { service_.reset(); }

  void ImportToy() {
    Outcome<Reply> imported =
        service_->workspaces().Import(As(Role::kAdmin), "toy", kToyScenario, {}, "toy.yaml");
    ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  }

  json Process(const std::string& campaign = "spring") {
    Outcome<Reply> reply = service_->process().GetProcess(As(Role::kMarketing), {"toy", campaign});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? reply.value().body : json();
  }

  int64_t EntityVersion(const std::string& kind, const std::string& id) {
    Outcome<Reply> reply = service_->workspaces().GetEntity(As(Role::kMarketing), "toy", kind, id);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply.value().version : -1;
  }

  json EntityBody(const std::string& kind, const std::string& id) {
    Outcome<Reply> reply = service_->workspaces().GetEntity(As(Role::kMarketing), "toy", kind, id);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? reply.value().body["body"] : json();
  }

  // Marketing edits the campaign: `change` applied to its current body.
  Outcome<Reply> EditCampaign(const std::function<void(json&)>& change) {
    json body = EntityBody("campaigns", "spring");
    change(body);
    return service_->workspaces().PutEntity(As(Role::kMarketing), "toy", "campaigns", "spring",
                                            body, EntityVersion("campaigns", "spring"));
  }

  // `role` moves the toy's campaign `spring` to `to` (no If-Match).
  Outcome<Reply> Move(ProcessState to, Role role = Role::kMarketing) {
    return service_->process().Transition(As(role), {"toy", "spring"}, TransitionRequest{to},
                                          std::nullopt);
  }

  void ConfirmAll(const std::string& campaign = "spring") {
    for (Role role : Functions()) {
      Outcome<Reply> reply = service_->process().Confirm(
          As(role), {"toy", campaign, RoleName(role)}, ConfirmRequest{std::string("current")});
      ASSERT_TRUE(reply.ok()) << reply.error().ToJson().dump();
    }
  }

  std::string WaitForCheck(const std::string& campaign = "spring") {
    EXPECT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
    json process = Process(campaign);
    EXPECT_TRUE(process["check"].is_object()) << process.dump();
    if (!process["check"].is_object()) return "";
    EXPECT_EQ(process["check"]["status"], "done") << process["check"].dump();
    return process["check"].value("key", "");
  }

  void SignAll(const std::string& key, const std::string& campaign = "spring") {
    for (Role role : Functions()) {
      Outcome<Reply> reply = service_->process().SignOff(
          As(role), {"toy", campaign, RoleName(role)}, SignOffRequest{.check = key});
      ASSERT_TRUE(reply.ok()) << reply.error().ToJson().dump();
    }
  }

  // The imported toy's campaign through groundwork (every function confirms) into transfer,
  // which queues its check.
  void ToTransfer() {
    ASSERT_TRUE(Move(ProcessState::kGroundwork).ok());
    ConfirmAll();
    ASSERT_TRUE(Move(ProcessState::kTransfer).ok());
  }

  // Groundwork, transfer, check, sign-offs and approval of the toy campaign (verdict go).
  void ApproveToy() {
    ImportToy();
    ToTransfer();
    const std::string key = WaitForCheck();
    SignAll(key);
    Outcome<Reply> approved = service_->process().Approve(As(Role::kMarketing), {"toy", "spring"},
                                                          ApproveRequest{.check = key});
    ASSERT_TRUE(approved.ok()) << approved.error().ToJson().dump();
  }

  std::vector<json> AlertsFor(Role role) {
    Outcome<Reply> reply = service_->alerts().Alerts(As(role), "toy", 0);
    EXPECT_TRUE(reply.ok());
    std::vector<json> items;
    if (reply.ok()) {
      for (const json& item : reply.value().body["items"]) items.push_back(item);
    }
    return items;
  }

  std::vector<std::string> AuditActions(const std::string& campaign = "spring") {
    Outcome<Reply> reply = service_->alerts().Audit(As(Role::kService), "toy", campaign);
    EXPECT_TRUE(reply.ok());
    std::vector<std::string> actions;
    if (reply.ok()) {
      for (const json& item : reply.value().body["items"]) {
        actions.push_back(item["action"].get<std::string>() + " " +
                          item["target"].get<std::string>());
      }
    }
    return actions;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Service> service_;
};

inline bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The same database, opened again with a clock the test sets (seconds since the epoch, UTC).
inline std::shared_ptr<std::atomic<int64_t>> ReopenWithClock(std::unique_ptr<Service>& service,
                                                             const std::string& url) {
  auto now = std::make_shared<std::atomic<int64_t>>(1798761600);  // 2027-01-01
  service.reset();
  ServiceOptions options = TestOptions(url);
  options.clock = [now] { return std::chrono::system_clock::from_time_t(now->load()); };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  EXPECT_TRUE(reopened.ok());
  if (reopened.ok()) service = std::move(reopened.value());
  return now;
}

// Midnight UTC of a day of 2027, as seconds since the epoch (2027-03-15 is 1805068800).
inline int64_t Day2027(int month, int day) {
  return 1805068800 +
         int64_t{86400} * (Date::FromCivil(2027, month, day) - Date::FromCivil(2027, 3, 15));
}

inline std::vector<std::string> Moves(const Outcome<Reply>& reply) {
  std::vector<std::string> moves;
  EXPECT_TRUE(reply.ok()) << (reply.ok() ? "" : reply.error().message);
  if (!reply.ok()) return moves;
  for (const json& move : reply.value().body["moves"]) {
    moves.push_back(move["workspace"].get<std::string>() + "/" +
                    move["campaign"].get<std::string>() + " " + move["from"].get<std::string>() +
                    ">" + move["to"].get<std::string>());
  }
  return moves;
}

// The kinds of a function's feed, counted.
inline std::map<std::string, int> KindCounts(const std::vector<json>& alerts) {
  std::map<std::string, int> counts;
  for (const json& alert : alerts) ++counts[alert["kind"].get<std::string>()];
  return counts;
}

}  // namespace tandem::server::testing

#endif  // TANDEM_TEST_SERVER_SERVICE_FIXTURE_H_
