// The service layer without HTTP, on both databases: the model (import, export, validation,
// roles, versions) and the process (confirmations, checks, sign-offs, approval, override,
// hand-over, withdrawals, alerts, audit) and counter-proposals.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "tandem/advise/recommend.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/advise_output.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::TestDatabase;

FileLoader NoFiles() {
  return
      [](const std::string& path) -> Result<std::string> { return Error::Io("no file " + path); };
}

class ServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Outcome<std::unique_ptr<Service>> opened =
        Service::Open(testing::TestOptions(database_->url()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    service_ = std::move(opened.value());
  }
  void TearDown() override { service_.reset(); }

  void ImportToy() {
    Outcome<Reply> imported = service_->workspaces().Import(As(Role::kAdmin), "toy",
                                                            testing::kToyScenario, {}, "toy.yaml");
    ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  }

  json Process(const std::string& campaign = "spring") {
    Outcome<Reply> reply = service_->process().GetProcess(As(Role::kMarketing), "toy", campaign);
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

  void ConfirmAll(const std::string& campaign = "spring") {
    for (Role role : Functions()) {
      Outcome<Reply> reply = service_->process().Confirm(As(role), "toy", campaign, RoleName(role),
                                                         json{{"note", "current"}});
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
      Outcome<Reply> reply = service_->process().SignOff(As(role), "toy", campaign, RoleName(role),
                                                         json{{"check", key}});
      ASSERT_TRUE(reply.ok()) << reply.error().ToJson().dump();
    }
  }

  // Groundwork, transfer, check, sign-offs and approval of the toy campaign (verdict go).
  void ApproveToy() {
    ImportToy();
    ASSERT_TRUE(
        service_->process()
            .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
            .ok());
    ConfirmAll();
    ASSERT_TRUE(
        service_->process()
            .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
            .ok());
    const std::string key = WaitForCheck();
    SignAll(key);
    Outcome<Reply> approved =
        service_->process().Approve(As(Role::kMarketing), "toy", "spring", {{"check", key}});
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

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// ---------------------------------------------------------------------------------------------
// The model

TEST_P(ServiceTest, ImportAndExportRoundTripGreenleafWithoutLossOfMeaning) {
  const std::string original = testing::ReadSourceFile("examples/greenleaf.yaml");
  Outcome<Reply> imported =
      service_->workspaces().Import(As(Role::kAdmin), "greenleaf", original, {}, "greenleaf.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  Outcome<Reply> exported = service_->workspaces().Export(As(Role::kFinance), "greenleaf", false);
  ASSERT_TRUE(exported.ok()) << exported.error().ToJson().dump();
  Result<Scenario> before = ParseScenario(original, "greenleaf.yaml", NoFiles());
  Result<Scenario> after = ParseScenario(exported.value().text, "export.yaml", NoFiles());
  ASSERT_TRUE(before.ok() && after.ok()) << exported.value().text;
  // The writer is canonical: equal text means an equal model.
  EXPECT_EQ(WriteScenarioYaml(before.value()), WriteScenarioYaml(after.value()));
}

TEST_P(ServiceTest, HistoryFilesTravelWithTheScenario) {
  std::string scenario = testing::kToyScenario;
  const std::string per_day = "baseline: {per_day: 100, noise: none}";
  scenario.replace(scenario.find(per_day), per_day.size(), "baseline: {history: kites.csv}");
  std::string csv = "date,units\n";
  for (int day = 1; day <= 28; ++day)
    csv += "2027-02-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + ",90\n";
  Outcome<Reply> missing =
      service_->workspaces().Import(As(Role::kAdmin), "toy", scenario, {}, "toy.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 422);
  Outcome<Reply> imported = service_->workspaces().Import(As(Role::kAdmin), "toy", scenario,
                                                          {{"kites.csv", csv}}, "toy.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  Outcome<Reply> bundle = service_->workspaces().Export(As(Role::kMarketing), "toy", true);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle.value().body["files"]["kites.csv"], csv);
  EXPECT_NE(bundle.value().body["scenario"].get<std::string>().find("kites.csv"),
            std::string::npos);
}

TEST_P(ServiceTest, InvalidWritesAreRefusedNamingTheField) {
  ImportToy();
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = -5;
  Outcome<Reply> negative =
      service_->workspaces().PutEntity(As(Role::kOperations), "toy", "resources", "packing",
                                       packing, EntityVersion("resources", "packing"));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().status, 422);
  ASSERT_FALSE(negative.error().fields.empty());
  EXPECT_EQ(negative.error().fields[0].field, "capacity");
  // Deleting a resource an offering routes through breaks the offering: the error names it.
  Outcome<Reply> deleted = service_->workspaces().DeleteEntity(
      As(Role::kOperations), "toy", "resources", "packing", EntityVersion("resources", "packing"));
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().status, 422);
  ASSERT_FALSE(deleted.error().fields.empty());
  EXPECT_NE(deleted.error().fields[0].path.find("offerings/kite"), std::string::npos)
      << deleted.error().ToJson().dump();
  // Unknown keys are refused too (a typo is never ignored).
  Outcome<Reply> typo = service_->workspaces().PutEntity(
      As(Role::kOperations), "toy", "capabilities", "same-day",
      {{"claim", "same-day dispatch"}, {"form", "2027-03-01"}}, std::nullopt);
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().fields.at(0).field, "form");
  // Nothing of the refused writes was stored.
  EXPECT_EQ(EntityBody("resources", "packing")["capacity"], 1000);
  EXPECT_EQ(EntityVersion("resources", "packing"), 1);
}

TEST_P(ServiceTest, EachFunctionEditsOnlyItsOwnPart) {
  ImportToy();
  json budget = EntityBody("resources", "budget");
  budget["capacity"] = 120000;
  EXPECT_EQ(service_->workspaces()
                .PutEntity(As(Role::kOperations), "toy", "resources", "budget", budget, 1)
                .error()
                .status,
            403);
  EXPECT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kFinance), "toy", "resources", "budget", budget, 1)
                  .ok());
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 1100;
  EXPECT_EQ(service_->workspaces()
                .PutEntity(As(Role::kFinance), "toy", "resources", "packing", packing, 1)
                .error()
                .status,
            403);
  EXPECT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  // A throughput resource cannot become a budget to dodge the rule.
  packing["kind"] = "budget";
  EXPECT_EQ(service_->workspaces()
                .PutEntity(As(Role::kFinance), "toy", "resources", "packing", packing, 2)
                .error()
                .status,
            403);
  // Bookings are operations'; marketing cannot slip them into a campaign edit.
  Outcome<Reply> booked = EditCampaign([](json& body) {
    body["bookings"] = json::array({{{"resource", "packing"},
                                     {"extra", 10},
                                     {"from", "2027-03-15"},
                                     {"until", "2027-03-20"}}});
  });
  ASSERT_FALSE(booked.ok());
  EXPECT_EQ(booked.error().status, 403);
  EXPECT_EQ(booked.error().fields.at(0).field, "bookings");
  // Service sets the contact load per order; marketing may not.
  const json loads = json::array({{{"resource", "support"}, {"per_unit", 0.08}, {"lag", "1d"}}});
  EXPECT_EQ(service_->workspaces()
                .PutPart(As(Role::kMarketing), "toy", "offerings", "kite", "loads", loads, 1)
                .error()
                .status,
            403);
  Outcome<Reply> service_loads = service_->workspaces().PutPart(
      As(Role::kService), "toy", "offerings", "kite", "loads", loads, 1);
  ASSERT_TRUE(service_loads.ok()) << service_loads.error().ToJson().dump();
  EXPECT_EQ(EntityBody("offerings", "kite")["loads"][0]["per_unit"], 0.08);
}

TEST_P(ServiceTest, UpdatesNeedTheCurrentVersion) {
  ImportToy();
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 900;
  Outcome<Reply> blind = service_->workspaces().PutEntity(As(Role::kOperations), "toy", "resources",
                                                          "packing", packing, std::nullopt);
  ASSERT_FALSE(blind.ok());
  EXPECT_EQ(blind.error().status, 428);
  Outcome<Reply> first = service_->workspaces().PutEntity(As(Role::kOperations), "toy", "resources",
                                                          "packing", packing, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first.value().version, 2);
  packing["capacity"] = 800;
  Outcome<Reply> stale = service_->workspaces().PutEntity(As(Role::kOperations), "toy", "resources",
                                                          "packing", packing, 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  EXPECT_EQ(stale.error().fields.at(0).field, "If-Match");
  EXPECT_EQ(EntityBody("resources", "packing")["capacity"], 900);
}

// ---------------------------------------------------------------------------------------------
// The process

TEST_P(ServiceTest, GroundworkNeedsEveryConfirmation) {
  ImportToy();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  EXPECT_EQ(
      service_->process()
          .Transition(As(Role::kOperations), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .error()
          .status,
      403);
  ASSERT_TRUE(service_->process()
                  .Confirm(As(Role::kMarketing), "toy", "spring", "marketing", json::object())
                  .ok());
  // No one confirms for another function, not even admin.
  EXPECT_EQ(service_->process()
                .Confirm(As(Role::kMarketing), "toy", "spring", "finance", json::object())
                .error()
                .status,
            403);
  EXPECT_EQ(service_->process()
                .Confirm(As(Role::kAdmin), "toy", "spring", "finance", json::object())
                .error()
                .status,
            403);
  EXPECT_EQ(Process()["missing_confirmations"], json({"operations", "finance", "service"}));
  Outcome<Reply> early = service_->process().Transition(As(Role::kMarketing), "toy", "spring",
                                                        {{"to", "transfer"}}, std::nullopt);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.size(), 3u);
  ConfirmAll();
  EXPECT_TRUE(Process()["missing_confirmations"].empty());
  EXPECT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
}

TEST_P(ServiceTest, ApprovalOfAGoCampaignProducesTheHandover) {
  ApproveToy();
  json process = Process();
  EXPECT_EQ(process["state"], "approved");
  EXPECT_EQ(process["check"]["verdict"], "go");  // derived by hand in test_support.h
  EXPECT_TRUE(process["override"].is_null());
  Outcome<Reply> operations = service_->process().Handover(As(Role::kOperations), "toy", "spring");
  ASSERT_TRUE(operations.ok());
  const json& plan = operations.value().body["handover"]["operations"]["capacity_plan"];
  ASSERT_FALSE(plan.empty());
  const json* packing = nullptr;
  for (const json& item : plan) {
    if (item["resource"] == "packing") packing = &item;
  }
  ASSERT_NE(packing, nullptr) << plan.dump();
  // Weeks 2027-W11 (15-21 Mar) and W12 (22-28 Mar) are inside the window: open 24h a day at
  // 1,000 orders an hour, 168,000 a week; demand is 150 orders a day, 1,050 a week.
  bool found = false;
  for (const json& week : (*packing)["weeks"]) {
    if (week["week"] != "2027-W11") continue;
    found = true;
    EXPECT_DOUBLE_EQ(week["capacity"].get<double>(), 168000.0);
    EXPECT_NEAR(week["work_p50"].get<double>(), 1050.0, 1.0);
    EXPECT_NEAR(week["work_without"].get<double>(), 700.0, 1.0);
    EXPECT_EQ(week["extra_needed_p95"], 0.0);
  }
  EXPECT_TRUE(found) << packing->dump();
  // Marketing and service get the approved wording, and only their parts.
  Outcome<Reply> marketing = service_->process().Handover(As(Role::kMarketing), "toy", "spring");
  ASSERT_TRUE(marketing.ok());
  EXPECT_FALSE(marketing.value().body["handover"].contains("operations"));
  EXPECT_EQ(marketing.value().body["handover"]["marketing"]["promises"][0]["text"],
            "delivered within 3d for 95% of orders");
  Outcome<Reply> service = service_->process().Handover(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(service.ok());
  EXPECT_EQ(service.value().body["handover"]["service"]["promises"][0]["status"], "kept");
  const std::vector<std::string> audit = AuditActions();
  for (const char* entry :
       {"confirm operations", "signoff finance", "approve state", "check-done check"}) {
    EXPECT_TRUE(Contains(audit, entry)) << entry;
  }
}

TEST_P(ServiceTest, SignOffsAreOnTheCurrentCheckOnly) {
  ImportToy();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ConfirmAll();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
  const std::string key = WaitForCheck();
  Outcome<Reply> wrong = service_->process().SignOff(As(Role::kFinance), "toy", "spring", "finance",
                                                     {{"check", "0000"}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().status, 409);
  EXPECT_EQ(wrong.error().fields.at(0).field, "check");
  ASSERT_TRUE(service_->process()
                  .SignOff(As(Role::kFinance), "toy", "spring", "finance", {{"check", key}})
                  .ok());
  Outcome<Reply> early =
      service_->process().Approve(As(Role::kMarketing), "toy", "spring", {{"check", key}});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.size(), 3u);  // marketing, operations, service missing
  EXPECT_EQ(service_->process()
                .Approve(As(Role::kOperations), "toy", "spring", {{"check", key}})
                .error()
                .status,
            403);
}

TEST_P(ServiceTest, TheCheckIsCachedByContent) {
  ImportToy();
  Outcome<Reply> first = service_->jobs().RequestCheck(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().status, 202);
  const std::string key = WaitForCheck();
  Outcome<Reply> second = service_->jobs().RequestCheck(As(Role::kFinance), "toy", "spring");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().status, 200);
  EXPECT_EQ(second.value().body["check"]["key"], key);
  EXPECT_EQ(second.value().body["check"]["job"], first.value().body["check"]["job"]);
  // A different content is a different key; going back to the old content is answered from
  // the cache by a new job without simulating again.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 6000; }).ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), "toy", "spring").ok());
  const std::string other = WaitForCheck();
  EXPECT_NE(other, key);
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 5000; }).ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), "toy", "spring").ok());
  EXPECT_EQ(WaitForCheck(), key);
  const std::string metrics = service_->MetricsText();
  EXPECT_NE(metrics.find("tandem_checks_run_total 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tandem_checks_cached_total 1\n"), std::string::npos) << metrics;
  Outcome<Reply> result = service_->jobs().GetCheck(As(Role::kService), "toy", "spring", true);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().body["result"]["verdict"], "go");
  bool series = false;  // chart series included
  for (const json& check : result.value().body["result"]["checks"]) {
    if (check["type"] == "throughput" && check["resource"] == "packing")
      series = !check["days"].empty();
  }
  EXPECT_TRUE(series);
}

TEST_P(ServiceTest, ACheckSaysWhatChangedSinceThePreviousOne) {
  ImportToy();
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), "toy", "spring").ok());
  const std::string first = WaitForCheck();
  Outcome<Reply> read = service_->jobs().GetCheck(As(Role::kService), "toy", "spring", true);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read.value().body["since_previous"].is_null());  // the first check
  // Packing 1,000 -> 1 order an hour: 24 a day against a baseline of 100 a day from the
  // horizon's start (1 Mar), so by the window (15 Mar) some 14 x 76 = 1,064 orders wait, about
  // 44 days of capacity: no order of the window is delivered within 72h (p_kept 1 -> 0, kept ->
  // broken, go -> no-go). Before, 150 orders a day met 24,000 a day of capacity.
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 1;
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), "toy", "spring").ok());
  const std::string second = WaitForCheck();
  ASSERT_NE(second, first);
  read = service_->jobs().GetCheck(As(Role::kService), "toy", "spring", true);
  ASSERT_TRUE(read.ok());
  const json& delta = read.value().body["since_previous"];
  ASSERT_TRUE(delta.is_object()) << read.value().body.dump();
  EXPECT_EQ(delta["previous_key"], first);
  EXPECT_TRUE(delta["changed"].get<bool>());
  // The inputs: exactly one key changed.
  ASSERT_EQ(delta["inputs"].size(), 1u) << delta["inputs"].dump();
  EXPECT_EQ(delta["inputs"][0]["key"], "resources[packing].capacity");
  EXPECT_EQ(delta["inputs"][0]["before"], 1000);
  EXPECT_EQ(delta["inputs"][0]["after"], 1);
  EXPECT_EQ(delta["outcomes"]["verdict"], json({{"before", "go"}, {"after", "no-go"}}));
  ASSERT_EQ(delta["outcomes"]["promises"].size(), 1u);
  const json& promise = delta["outcomes"]["promises"][0];
  EXPECT_EQ(promise["status_before"], "kept");
  EXPECT_EQ(promise["status"], "broken");
  EXPECT_DOUBLE_EQ(promise["p_kept_before"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(promise["p_kept"].get<double>(), 0.0);
}

TEST_P(ServiceTest, ACapacityCutThatBreaksACommittedPromiseRaisesOneAlert) {
  ApproveToy();
  // Packing 1,000 -> 1 order an hour breaks the approved campaign's 72h delivery promise (kept
  // in 100% -> 0% of scenarios: 24 orders a day of capacity against 100 a day of baseline, see
  // ACheckSaysWhatChangedSinceThePreviousOne).
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 1;
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  for (Role role : {Role::kOperations, Role::kMarketing}) {
    int raised = 0;
    for (const json& alert : AlertsFor(role)) {
      if (alert["kind"] != "commitment-endangered") continue;
      ++raised;
      const std::string message = alert["message"].get<std::string>();
      EXPECT_NE(message.find("resources/packing"), std::string::npos) << message;
      EXPECT_NE(message.find("broken (kept in 100% -> 0% of scenarios)"), std::string::npos)
          << message;
    }
    EXPECT_EQ(raised, 1) << RoleName(role);
  }
  // Finance is not in the alert's audience.
  for (const json& alert : AlertsFor(Role::kFinance))
    EXPECT_NE(alert["kind"], "commitment-endangered");
  // A second check of the same content raises nothing more.
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), "toy", "spring").ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  int raised = 0;
  for (const json& alert : AlertsFor(Role::kOperations))
    raised += alert["kind"] == "commitment-endangered" ? 1 : 0;
  EXPECT_EQ(raised, 1);
}

TEST_P(ServiceTest, TheImpactPreviewShowsWhatSavingWouldBreakWithoutStoringIt) {
  ApproveToy();
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 1;  // breaks the 72h promise (see ACheckSaysWhatChangedSinceThePreviousOne)
  Outcome<Reply> preview = service_->workspaces().PreviewImpact(As(Role::kOperations), "toy",
                                                                "resources", "packing", packing);
  ASSERT_TRUE(preview.ok()) << preview.error().ToJson().dump();
  const json& items = preview.value().body["items"];
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["campaign"], "spring");
  EXPECT_EQ(items[0]["state"], "approved");
  EXPECT_EQ(items[0]["verdict_before"], "go");
  EXPECT_EQ(items[0]["verdict"], "no-go");
  EXPECT_TRUE(items[0]["endangers"].get<bool>());
  EXPECT_TRUE(items[0]["checked_now"].get<bool>());
  ASSERT_EQ(items[0]["since_stored"]["inputs"].size(), 1u);
  EXPECT_EQ(items[0]["since_stored"]["inputs"][0]["key"], "resources[packing].capacity");
  const std::string message = items[0]["message"].get<std::string>();
  EXPECT_NE(message.find("kept in 100% -> 0% of scenarios"), std::string::npos) << message;
  // Nothing stored: the resource, the process and the alerts are as they were.
  EXPECT_EQ(EntityBody("resources", "packing")["capacity"], 1000);
  EXPECT_EQ(Process()["state"], "approved");
  for (const json& alert : AlertsFor(Role::kOperations))
    EXPECT_NE(alert["kind"], "commitment-endangered");
  // An invalid edit is a 422 naming the field.
  json invalid = packing;
  invalid["capacity"] = -5;
  Outcome<Reply> refused = service_->workspaces().PreviewImpact(As(Role::kOperations), "toy",
                                                                "resources", "packing", invalid);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 422);
  EXPECT_EQ(refused.error().fields.at(0).field, "capacity");
  // Saving the same edit: the re-check is answered from the preview's cached check and raises
  // the alert the preview announced, word for word.
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  EXPECT_NE(service_->MetricsText().find("tandem_checks_cached_total 1\n"), std::string::npos);
  int raised = 0;
  for (const json& alert : AlertsFor(Role::kOperations)) {
    if (alert["kind"] != "commitment-endangered") continue;
    ++raised;
    EXPECT_EQ(alert["message"], message);
  }
  EXPECT_EQ(raised, 1);
}

TEST_P(ServiceTest, AResourceChangeWithdrawsOnlyTheSignOffsItInvalidates) {
  ApproveToy();
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 900;  // still far above demand: the verdict stays go
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  json process = Process();
  // Operations signed off on the old capacity; marketing, finance and service on parts that
  // did not change. Approval needs all four again.
  EXPECT_EQ(process["missing_signoffs"], json({"operations"}));
  EXPECT_EQ(process["state"], "transfer");
  EXPECT_EQ(process["check"]["status"], "done");
  EXPECT_EQ(process["check"]["verdict"], "go");
  const std::vector<std::string> audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "withdraw-signoff operations"));
  EXPECT_FALSE(Contains(audit, "withdraw-signoff finance"));
  EXPECT_TRUE(Contains(audit, "recheck resources/packing"));
}

TEST_P(ServiceTest, ANoGoIsApprovedOnlyByARecordedOverride) {
  ImportToy();
  // Spend twice the budget: the budget check breaks, the verdict is no-go.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 200000; }).ok());
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ConfirmAll();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
  const std::string key = WaitForCheck();
  EXPECT_EQ(Process()["check"]["verdict"], "no-go");
  SignAll(key);
  Outcome<Reply> plain =
      service_->process().Approve(As(Role::kMarketing), "toy", "spring", {{"check", key}});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().status, 409);
  EXPECT_EQ(plain.error().fields.at(0).field, "override.reason");
  const std::string reason = "the board funds the overrun from the Q2 reserve";
  // The campaign's owner cannot override its own no-go (issue 13): 403 naming the override.
  Outcome<Reply> own =
      service_->process().Approve(As(Role::kMarketing, "maria"), "toy", "spring",
                                  {{"check", key}, {"override", {{"reason", reason}}}});
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().status, 403);
  EXPECT_EQ(own.error().fields.at(0).field, "override");
  // Neither can operations or service, whatever the reason.
  for (Role role : {Role::kOperations, Role::kService}) {
    Outcome<Reply> other = service_->process().Approve(
        As(role), "toy", "spring", {{"check", key}, {"override", {{"reason", reason}}}});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403);
  }
  // Finance, another function, needs a written reason of at least 10 characters.
  Outcome<Reply> vague =
      service_->process().Approve(As(Role::kFinance, "fiona"), "toy", "spring",
                                  {{"check", key}, {"override", {{"reason", ""}}}});
  ASSERT_FALSE(vague.ok());
  EXPECT_EQ(vague.error().status, 400);
  EXPECT_EQ(vague.error().fields.at(0).field, "override.reason");
  Outcome<Reply> nine =
      service_->process().Approve(As(Role::kFinance, "fiona"), "toy", "spring",
                                  {{"check", key}, {"override", {{"reason", "123456789"}}}});
  ASSERT_FALSE(nine.ok());
  EXPECT_EQ(nine.error().fields.at(0).field, "override.reason");
  Outcome<Reply> overridden =
      service_->process().Approve(As(Role::kFinance, "fiona"), "toy", "spring",
                                  {{"check", key}, {"override", {{"reason", reason}}}});
  ASSERT_TRUE(overridden.ok()) << overridden.error().ToJson().dump();
  json process = Process();
  EXPECT_EQ(process["state"], "approved");
  EXPECT_EQ(process["approved"]["by"], "fiona");
  EXPECT_EQ(process["override"]["by"], "fiona");
  EXPECT_EQ(process["override"]["role"], "finance");
  EXPECT_EQ(process["override"]["reason"], reason);
  EXPECT_EQ(process["override"]["verdict"], "no-go");
  EXPECT_FALSE(process["override"]["at"].get<std::string>().empty());
  // Finance was told about the overrun; operations was not.
  bool budget_alert = false;
  for (const json& alert : AlertsFor(Role::kFinance))
    budget_alert = budget_alert || alert["kind"] == "budget-overrun";
  EXPECT_TRUE(budget_alert);
  for (const json& alert : AlertsFor(Role::kOperations)) EXPECT_NE(alert["kind"], "budget-overrun");
  EXPECT_TRUE(Contains(AuditActions(), "override verdict"));
}

// Issue 13, item 9: a function can refuse or ask for changes instead of signing off, with a reason
// the campaign owner sees (alert) and answers; a refusal counts as a missing sign-off until the
// function signs off, which settles it.
TEST_P(ServiceTest, ARefusalAndARequestForChangesCarryAReasonTheOwnerAnswers) {
  ImportToy();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ConfirmAll();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
  const std::string key = WaitForCheck();
  using process::SignOffKind;
  const std::string refusal = "the Q2 budget is already committed";
  // A reason of fewer than 10 characters is not one; another function cannot refuse for finance.
  Outcome<Reply> short_reason =
      service_->process().Review(As(Role::kFinance), "toy", "spring", "finance",
                                 SignOffKind::kRefuse, {{"check", key}, {"reason", "no money"}});
  ASSERT_FALSE(short_reason.ok());
  EXPECT_EQ(short_reason.error().status, 400);
  EXPECT_EQ(short_reason.error().fields.at(0).field, "reason");
  for (Role role : {Role::kMarketing, Role::kService, Role::kAdmin}) {
    Outcome<Reply> other =
        service_->process().Review(As(role), "toy", "spring", "finance", SignOffKind::kRefuse,
                                   {{"check", key}, {"reason", refusal}});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403) << RoleName(role);
  }
  Outcome<Reply> stale =
      service_->process().Review(As(Role::kFinance), "toy", "spring", "finance",
                                 SignOffKind::kRefuse, {{"check", "0000"}, {"reason", refusal}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  ASSERT_TRUE(service_->process()
                  .Review(As(Role::kFinance, "fiona"), "toy", "spring", "finance",
                          SignOffKind::kRefuse, {{"check", key}, {"reason", refusal}})
                  .ok());
  ASSERT_TRUE(service_->process()
                  .Review(As(Role::kOperations, "oscar"), "toy", "spring", "operations",
                          SignOffKind::kRequestChanges,
                          {{"check", key}, {"reason", "book 200 extra an hour in week 12"}})
                  .ok());
  for (Role role : {Role::kMarketing, Role::kService}) {
    ASSERT_TRUE(service_->process()
                    .SignOff(As(role), "toy", "spring", RoleName(role), json{{"check", key}})
                    .ok());
  }
  json process = Process();
  EXPECT_EQ(process["objections"]["finance"]["kind"], "refused");
  EXPECT_EQ(process["objections"]["finance"]["reason"], refusal);
  EXPECT_EQ(process["objections"]["operations"]["kind"], "changes-requested");
  EXPECT_EQ(process["missing_signoffs"], json({"operations", "finance"}));
  // The owner is told, with the reason.
  std::set<std::string> marketing_alerts;
  for (const json& alert : AlertsFor(Role::kMarketing))
    marketing_alerts.insert(alert["kind"].get<std::string>() + ": " +
                            alert["message"].get<std::string>());
  EXPECT_TRUE(marketing_alerts.count(
      "signoff-refused: Campaign spring: finance refuses to sign off: " + refusal));
  // No approval while they stand: each is named with what it is.
  Outcome<Reply> approve =
      service_->process().Approve(As(Role::kMarketing), "toy", "spring", {{"check", key}});
  ASSERT_FALSE(approve.ok());
  EXPECT_EQ(approve.error().status, 409);
  ASSERT_EQ(approve.error().fields.size(), 2u);
  EXPECT_EQ(approve.error().fields[0].field, "signoffs.operations");
  EXPECT_EQ(approve.error().fields[0].problem, "changes-requested");
  EXPECT_EQ(approve.error().fields[1].field, "signoffs.finance");
  EXPECT_EQ(approve.error().fields[1].problem, "refused");
  // The owner answers; nobody else does, and an answer needs words.
  const std::string answer = "spend moved to the Q3 budget line";
  for (Role role : {Role::kFinance, Role::kOperations, Role::kService}) {
    Outcome<Reply> other = service_->process().AnswerObjection(As(role), "toy", "spring", "finance",
                                                               {{"text", answer}});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403) << RoleName(role);
  }
  Outcome<Reply> empty = service_->process().AnswerObjection(As(Role::kMarketing), "toy", "spring",
                                                             "finance", {{"text", ""}});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().fields.at(0).field, "text");
  Outcome<Reply> nothing = service_->process().AnswerObjection(
      As(Role::kMarketing), "toy", "spring", "service", {{"text", answer}});
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().status, 409);
  ASSERT_TRUE(service_->process()
                  .AnswerObjection(As(Role::kMarketing, "maria"), "toy", "spring", "finance",
                                   {{"text", answer}})
                  .ok());
  Outcome<Reply> twice = service_->process().AnswerObjection(As(Role::kMarketing), "toy", "spring",
                                                             "finance", {{"text", answer}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().status, 409);
  process = Process();
  EXPECT_EQ(process["objections"]["finance"]["answer"]["text"], answer);
  EXPECT_EQ(process["objections"]["finance"]["answer"]["by"], "maria");
  bool told = false;
  for (const json& alert : AlertsFor(Role::kFinance))
    told = told || (alert["kind"] == "objection-answered" &&
                    alert["message"].get<std::string>().find(answer) != std::string::npos);
  EXPECT_TRUE(told);
  // What marketing may do now: answer operations (still open), not finance (answered).
  std::set<std::string> answerable;
  for (const json& action : process["actions"]) {
    if (action["action"] == "answer") answerable.insert(action["function"]);
  }
  EXPECT_EQ(answerable, std::set<std::string>({"operations"}));
  // Signing off settles each; then the campaign is approved.
  SignAll(key);
  process = Process();
  EXPECT_TRUE(process["objections"].empty()) << process["objections"].dump();
  ASSERT_TRUE(
      service_->process().Approve(As(Role::kMarketing), "toy", "spring", {{"check", key}}).ok());
  const std::vector<std::string> audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "refuse-signoff finance"));
  EXPECT_TRUE(Contains(audit, "request-changes operations"));
  EXPECT_TRUE(Contains(audit, "answer finance"));
}

// Issue 13, item 11: a campaign goes live on its window's start, not before.
TEST_P(ServiceTest, ACampaignGoesLiveOnItsWindowStartNotBefore) {
  ApproveToy();
  // Today is 2027-01-01 (TestOptions); the toy window starts on 2027-03-15.
  Outcome<Reply> early = service_->process().Transition(As(Role::kMarketing), "toy", "spring",
                                                        {{"to", "live"}}, std::nullopt);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.at(0).field, "window");
  EXPECT_NE(early.error().message.find("2027-03-15"), std::string::npos);
  json live_action;
  const json approved = Process();
  for (const json& action : approved["actions"]) {
    if (action["to"] == "live") live_action = action;
  }
  EXPECT_EQ(live_action["allowed"], false);
  EXPECT_EQ(live_action["reason"], early.error().message);
  // The same database on the window's first day (2027-03-15 00:00 UTC).
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  ASSERT_TRUE(service_->process()
                  .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "live"}}, std::nullopt)
                  .ok());
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "follow-up"}}, std::nullopt)
          .ok());
  EXPECT_EQ(Process()["state"], "follow-up");
}

// The same database, opened again with a clock the test sets (seconds since the epoch, UTC).
std::shared_ptr<std::atomic<int64_t>> ReopenWithClock(std::unique_ptr<Service>& service,
                                                      const std::string& url) {
  auto now = std::make_shared<std::atomic<int64_t>>(1798761600);  // 2027-01-01
  service.reset();
  ServiceOptions options = testing::TestOptions(url);
  options.clock = [now] { return std::chrono::system_clock::from_time_t(now->load()); };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  EXPECT_TRUE(reopened.ok());
  if (reopened.ok()) service = std::move(reopened.value());
  return now;
}

// Midnight UTC of a day of 2027, as seconds since the epoch (2027-03-15 is 1805068800).
int64_t Day2027(int month, int day) {
  return 1805068800 +
         int64_t{86400} * (Date::FromCivil(2027, month, day) - Date::FromCivil(2027, 3, 15));
}

std::vector<std::string> Moves(const Outcome<Reply>& reply) {
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

const json* CloseAction(const json& process) {
  for (const json& action : process["actions"]) {
    if (action["to"] == "closed") return &action;
  }
  return nullptr;
}

// Issue 12 item 7. The toy's window runs 2027-03-15..2027-03-28; the kite's transit is 24 h and
// its return lag the default 10 d, so its returns mature on 03-28 + 1 + ceil(11 d) = 2027-04-09.
TEST_P(ServiceTest,
       TheClockEntersFollowUpWhenTheWindowOpensAndClosesOnceReturnsMaturedAndReviewed) {
  ApproveToy();
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  // The day before the window: nothing moves.
  *now = Day2027(3, 14);
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  EXPECT_EQ(Process()["state"], "approved");
  // The window's first day: approved -> live -> follow-up in one tick, audited per move.
  *now = Day2027(3, 15) + 60;  // 00:01
  EXPECT_EQ(Moves(service_->process().AdvanceByClock()),
            (std::vector<std::string>{"toy/spring approved>live", "toy/spring live>follow-up"}));
  json process = Process();
  EXPECT_EQ(process["state"], "follow-up");
  EXPECT_EQ(process["returns_mature_on"], "2027-04-09");
  Outcome<Reply> audit = service_->alerts().Audit(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(audit.ok());
  int clock_moves = 0;
  for (const json& item : audit.value().body["items"]) {
    if (item["action"] == "transition" && item.dump().find("\"clock\"") != std::string::npos)
      ++clock_moves;
  }
  EXPECT_EQ(clock_moves, 2) << audit.value().body.dump();
  // A second tick the same day moves nothing.
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  // During the window the close button says the window is not over.
  ASSERT_TRUE(CloseAction(process));
  EXPECT_EQ((*CloseAction(process))["allowed"], false);
  EXPECT_EQ((*CloseAction(process))["reason"],
            "the campaign's window ends on 2027-03-28: it closes after that (today is 2027-03-15)");
  // After the window, the day before the returns mature: the owner's close is refused (409
  // returns), and so is the clock's.
  *now = Day2027(4, 8);
  Outcome<Reply> early = service_->process().Transition(As(Role::kMarketing), "toy", "spring",
                                                        {{"to", "closed"}}, std::nullopt);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.at(0).field, "returns");
  EXPECT_NE(early.error().message.find("2027-04-09"), std::string::npos) << early.error().message;
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  // A review without its lessons, saved meanwhile.
  ASSERT_TRUE(service_->process()
                  .PutReview(As(Role::kMarketing), "toy", "spring",
                             {{"promised", "delivery within 72h for 95% of orders"},
                              {"kept", "kept: 99% within 72h"},
                              {"forecast_error", "demand 4% under plan"}})
                  .ok());
  // Matured: the clock still waits for the lessons, and says so.
  *now = Day2027(4, 9);
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  process = Process();
  EXPECT_EQ(process["review_missing"], json::array({"lessons"}));
  EXPECT_EQ((*CloseAction(process))["reason"],
            "the post-campaign review is not written: lessons missing (PUT .../review)");
  // Written: the next tick closes it.
  ASSERT_TRUE(service_->process()
                  .PutReview(As(Role::kOperations), "toy", "spring",
                             {{"promised", "delivery within 72h for 95% of orders"},
                              {"kept", "kept: 99% within 72h"},
                              {"forecast_error", "demand 4% under plan"},
                              {"lessons", "packing had room for a 100% lift"}})
                  .ok());
  EXPECT_EQ(Moves(service_->process().AdvanceByClock()),
            (std::vector<std::string>{"toy/spring follow-up>closed"}));
  EXPECT_EQ(Process()["state"], "closed");
  // The review is returned by the campaign's GET, and final once closed.
  Outcome<Reply> campaign =
      service_->workspaces().GetEntity(As(Role::kFinance), "toy", "campaigns", "spring");
  ASSERT_TRUE(campaign.ok());
  EXPECT_EQ(campaign.value().body["review"]["lessons"], "packing had room for a 100% lift");
  EXPECT_EQ(campaign.value().body["review"]["by"], "operations-user");
  Outcome<Reply> late = service_->process().PutReview(As(Role::kMarketing), "toy", "spring",
                                                      {{"lessons", "rewritten"}});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().status, 409);
}

// The review: marketing, operations and admin write it while the campaign is followed up; its
// body is four texts and nothing else.
TEST_P(ServiceTest, TheReviewIsWrittenByMarketingOperationsOrAdminWithItsFourParts) {
  ApproveToy();
  const json review = {{"lessons", "cap the sale earlier"}};
  // Approved, before the window: not yet.
  Outcome<Reply> approved =
      service_->process().PutReview(As(Role::kMarketing), "toy", "spring", review);
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().status, 409);
  EXPECT_EQ(approved.error().fields.at(0).field, "state");
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  *now = Day2027(3, 15);
  ASSERT_EQ(Moves(service_->process().AdvanceByClock()).size(), 2u);
  for (Role role : {Role::kFinance, Role::kService}) {
    Outcome<Reply> refused = service_->process().PutReview(As(role), "toy", "spring", review);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().status, 403) << RoleName(role);
  }
  const std::vector<std::pair<json, std::string>> bad = {
      {json::array({"lessons"}), "(body)"},
      {{{"lesons", "typo"}}, "lesons"},
      {{{"kept", 95}}, "kept"},
      {{{"promised", std::string(ProcessService::kMaxReviewPartBytes + 1, 'x')}}, "promised"}};
  for (const auto& [body, field] : bad) {
    Outcome<Reply> refused =
        service_->process().PutReview(As(Role::kMarketing), "toy", "spring", body);
    ASSERT_FALSE(refused.ok()) << body.dump().substr(0, 80);
    EXPECT_EQ(refused.error().status, 400) << field;
    EXPECT_EQ(refused.error().fields.at(0).field, field);
  }
  for (Role role : {Role::kMarketing, Role::kOperations, Role::kAdmin}) {
    Outcome<Reply> saved = service_->process().PutReview(As(role), "toy", "spring", review);
    ASSERT_TRUE(saved.ok()) << RoleName(role) << " " << saved.error().message;
    EXPECT_EQ(saved.value().body["review"]["lessons"], "cap the sale earlier");
    EXPECT_EQ(saved.value().body["review_missing"],
              json::array({"promised", "kept", "forecast_error"}));
  }
  int reviews = 0;
  for (const std::string& action : AuditActions()) reviews += action == "review review";
  EXPECT_EQ(reviews, 3);
}

// Issue 12 item 6: the campaign's report is its stored check with the review saved with it. The
// page around the data is the CLI's (web::RenderReportHtml, browser-tested); here a renderer that
// returns the title and the data shows what the page is given.
TEST_P(ServiceTest, TheCampaignReportCarriesTheStoredCheckAndTheReview) {
  ApproveToy();
  // Without a renderer (the server library alone): 501.
  Outcome<Reply> none = service_->process().Report(As(Role::kFinance), "toy", "spring");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 501);
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };  // 03-15
  options.render_report_html = [](std::string_view title, std::string_view data) {
    return std::string(title) + "\n" + std::string(data);
  };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  ASSERT_EQ(Moves(service_->process().AdvanceByClock()).size(), 2u);  // live, follow-up
  ASSERT_TRUE(service_->process()
                  .PutReview(As(Role::kMarketing), "toy", "spring",
                             {{"promised", "delivery within 72h for 95% of orders"},
                              {"kept", "kept: 99% within 72h"},
                              {"forecast_error", "demand 4% under plan"},
                              {"lessons", "packing had room for a 100% lift"}})
                  .ok());
  Outcome<Reply> report = service_->process().Report(As(Role::kFinance), "toy", "spring");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report.value().content_type, "text/html; charset=utf-8");
  const std::string& text = report.value().text;
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(text.substr(0, newline), "Spring kites — tandem report");
  const json data = json::parse(text.substr(newline + 1));
  EXPECT_EQ(data["review"]["campaign"], "spring");
  EXPECT_EQ(data["review"]["lessons"], "packing had room for a 100% lift");
  EXPECT_EQ(data["review"]["by"], "marketing-user");
  EXPECT_EQ(data["generated"], "2027-03-15 00:00 UTC");
  // The stored check the campaign was approved on, and its context.
  EXPECT_EQ(data["check"]["verdict"], "go");
  ASSERT_EQ(data["check"]["campaigns"].size(), 1u);
  EXPECT_EQ(data["check"]["campaigns"][0]["id"], "spring");
  EXPECT_EQ(data["context"]["campaigns"][0]["window"]["start"], "2027-03-15");
  // An unknown campaign: 404.
  EXPECT_EQ(service_->process().Report(As(Role::kFinance), "toy", "nope").error().status, 404);
}

// The server's ticker runs AdvanceByClock by itself (every clock_interval, here 20 ms).
TEST_P(ServiceTest, TheServersTickerMovesACampaignIntoFollowUpByItself) {
  ApproveToy();
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };  // 03-15
  options.clock_interval = std::chrono::milliseconds(20);
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  // Polled, not timed: the state is read until it changes or a minute has passed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (Process()["state"] != "follow-up" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(Process()["state"], "follow-up");
}

// The kinds of a function's feed, counted.
std::map<std::string, int> KindCounts(const std::vector<json>& alerts) {
  std::map<std::string, int> counts;
  for (const json& alert : alerts) ++counts[alert["kind"].get<std::string>()];
  return counts;
}

// Issue 12 item 5: "a sign-off waiting on your function" is raised once per function and check
// content, in that function's feed only.
TEST_P(ServiceTest, ACheckInTransferAsksEachFunctionThatHasNotSignedOnceForItsContent) {
  ImportToy();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ConfirmAll();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
  const std::string first = WaitForCheck();
  // The first check (spend 5,000): none of the four has signed, so each is asked once.
  for (Role role : Functions()) {
    const std::vector<json> feed = AlertsFor(role);
    EXPECT_EQ(KindCounts(feed)["signoff-waiting"], 1) << RoleName(role);
    for (const json& alert : feed) {
      if (alert["kind"] != "signoff-waiting") continue;
      EXPECT_EQ(alert["audience"], RoleName(role));
      EXPECT_EQ(alert["data"]["check"], first);
    }
  }
  EXPECT_EQ(KindCounts(AlertsFor(Role::kAdmin))["signoff-waiting"], 4);
  ASSERT_TRUE(service_->process()
                  .SignOff(As(Role::kFinance), "toy", "spring", "finance", {{"check", first}})
                  .ok());
  // Spend 6,000: new content, a new check; finance's sign-off (its basis has the spend) is
  // withdrawn, so all four are asked again: 2 each. Spend back to 5,000: the first content again,
  // its check answered from the cache, a second identical event: each was already asked about
  // this content, nothing more. 4 functions x 2 contents = 8 alerts in all.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 6000; }).ok());
  EXPECT_NE(WaitForCheck(), first);
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 5000; }).ok());
  EXPECT_EQ(WaitForCheck(), first);
  for (Role role : Functions())
    EXPECT_EQ(KindCounts(AlertsFor(role))["signoff-waiting"], 2) << RoleName(role);
  EXPECT_EQ(KindCounts(AlertsFor(Role::kAdmin))["signoff-waiting"], 8);
}

// Issue 12 item 5: "a hand-over waiting on your function" goes, on approval, to the three
// functions with a part of it; finance has none.
TEST_P(ServiceTest, ApprovalHandsOverToOperationsMarketingAndServiceOnce) {
  ApproveToy();
  for (Role role : {Role::kOperations, Role::kMarketing, Role::kService}) {
    int raised = 0;
    for (const json& alert : AlertsFor(role)) {
      if (alert["kind"] != "handover-ready") continue;
      ++raised;
      EXPECT_EQ(alert["audience"], RoleName(role));
      EXPECT_EQ(alert["campaign"], "spring");
    }
    EXPECT_EQ(raised, 1) << RoleName(role);
  }
  EXPECT_EQ(KindCounts(AlertsFor(Role::kFinance))["handover-ready"], 0);
}

// Issue 12 item 5: "an announcement date near without approval", raised by the clock. The toy
// announces on 2027-03-10. The warning comes kAnnouncementWarningDays = 3 days before: 03-07 is
// the first day (10 - 7 = 3), 03-06 is too early (4 days).
TEST_P(ServiceTest, TheClockWarnsOnceOfAnAnnouncementThreeDaysAwayWithoutApproval) {
  ImportToy();
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  *now = Day2027(3, 1);
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ASSERT_TRUE(service_->process()
                  .Confirm(As(Role::kFinance), "toy", "spring", "finance", json{{"note", "ok"}})
                  .ok());
  *now = Day2027(3, 6) + 23 * 3600;  // 23:00 on the 6th: still 4 days
  Outcome<Reply> tick = service_->process().AdvanceByClock();
  ASSERT_TRUE(tick.ok());
  EXPECT_TRUE(tick.value().body["announcements"].empty());
  *now = Day2027(3, 7);
  tick = service_->process().AdvanceByClock();
  ASSERT_TRUE(tick.ok());
  EXPECT_EQ(tick.value().body["announcements"],
            json::array({{{"workspace", "toy"}, {"campaign", "spring"}}}));
  // For everyone: each function's feed has it, with what is missing (finance confirmed).
  for (Role role : Functions()) {
    std::vector<json> near;
    for (const json& alert : AlertsFor(role))
      if (alert["kind"] == "announcement-near") near.push_back(alert);
    ASSERT_EQ(near.size(), 1u) << RoleName(role);
    EXPECT_EQ(near[0]["audience"], "all");
    EXPECT_EQ(near[0]["message"],
              "Campaign spring is announced in 3 days (2027-03-10) and is not approved: it is in "
              "groundwork, missing confirmations: marketing, operations, service");
    EXPECT_EQ(near[0]["data"]["days"], 3);
  }
  // Later ticks, the same day and the next two, raise nothing more.
  for (int day : {7, 8, 10}) {
    *now = Day2027(3, day) + 3600;
    tick = service_->process().AdvanceByClock();
    ASSERT_TRUE(tick.ok());
    EXPECT_TRUE(tick.value().body["announcements"].empty()) << day;
  }
  EXPECT_EQ(KindCounts(AlertsFor(Role::kAdmin))["announcement-near"], 1);
}

TEST_P(ServiceTest, AnApprovedCampaignRaisesNoAnnouncementWarning) {
  ApproveToy();
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  *now = Day2027(3, 8);  // 2 days before the announcement, approved
  Outcome<Reply> tick = service_->process().AdvanceByClock();
  ASSERT_TRUE(tick.ok());
  EXPECT_TRUE(tick.value().body["announcements"].empty());
  EXPECT_EQ(KindCounts(AlertsFor(Role::kAdmin))["announcement-near"], 0);
}

TEST_P(ServiceTest, AWorseVerdictAfterApprovalAlertsEveryoneAndOperationsGetsTheCapacityNeed) {
  ApproveToy();
  // Lift 300: 30,100 orders a day against 24,000 a day of packing: overloaded, no-go.
  ASSERT_TRUE(EditCampaign([](json& body) { body["lift"] = 300; }).ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  json process = Process();
  EXPECT_EQ(process["state"], "transfer");
  EXPECT_EQ(process["check"]["verdict"], "no-go");
  EXPECT_EQ(process["missing_signoffs"].size(), 4u);
  std::set<std::string> kinds_for_service;
  for (const json& alert : AlertsFor(Role::kService)) kinds_for_service.insert(alert["kind"]);
  EXPECT_TRUE(kinds_for_service.count("verdict-worsened"));
  EXPECT_FALSE(kinds_for_service.count("capacity-needed"));
  bool capacity = false;
  for (const json& alert : AlertsFor(Role::kOperations)) {
    if (alert["kind"] == "capacity-needed" && alert["data"]["resource"] == "packing")
      capacity = true;
  }
  EXPECT_TRUE(capacity);
}

TEST_P(ServiceTest, ACapabilityThatSupportsANewClaimAlertsMarketing) {
  ImportToy();
  json capability = EntityBody("capabilities", "gift-wrap");
  capability["from"] = "2027-03-01";  // now covers the campaign's window (15-28 March)
  ASSERT_TRUE(
      service_->workspaces()
          .PutEntity(As(Role::kOperations), "toy", "capabilities", "gift-wrap", capability, 1)
          .ok());
  std::vector<json> marketing = AlertsFor(Role::kMarketing);
  ASSERT_EQ(marketing.size(), 1u);
  EXPECT_EQ(marketing[0]["kind"], "stronger-promise");
  EXPECT_EQ(marketing[0]["data"]["capability"], "gift-wrap");
  EXPECT_TRUE(AlertsFor(Role::kFinance).empty());
}

TEST_P(ServiceTest, AFasterResourceThatAllowsAStrongerTimePromiseAlertsMarketing) {
  ApproveToy();
  // Orders take 1h of packing and 24h of transit: 25h, so 36h is the strongest level of the
  // ladder that 95% reach (24h is not). With 13h of packing it is 37h: 48h.
  json packing = EntityBody("resources", "packing");
  packing["processing_time"] = "13h";
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  // Slower: nothing stronger to promise. (The process's own alerts, sign-offs asked for and the
  // hand-over, are in the feeds too.)
  EXPECT_EQ(KindCounts(AlertsFor(Role::kMarketing))["stronger-promise"], 0);
  packing["processing_time"] = "1h";
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 2)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  std::vector<json> alerts;
  for (const json& alert : AlertsFor(Role::kMarketing))
    if (alert["kind"] == "stronger-promise") alerts.push_back(alert);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["data"]["advertised"], "3d");
  EXPECT_EQ(alerts[0]["data"]["strongest"], "36h");
  // Service is told of no opportunity: only the process's own alerts reach it.
  for (const json& alert : AlertsFor(Role::kService)) {
    EXPECT_TRUE(alert["kind"] == "signoff-waiting" || alert["kind"] == "handover-ready")
        << alert.dump();
  }
}

// ---------------------------------------------------------------------------------------------
// Counter-proposals

// The 1-based number of the first option whose lever does (or does not) book capacity.
int64_t OptionNumber(const json& options, bool expand) {
  for (size_t i = 0; i < options.size(); ++i) {
    const bool books = options[i]["lever"].get<std::string>().find("expand") != std::string::npos;
    if (books == expand) return static_cast<int64_t>(i + 1);
  }
  return 0;
}

TEST_P(ServiceTest, CounterProposalsRunInTransferAndAdoptingOneIsOneWrite) {
  Outcome<Reply> imported = service_->workspaces().Import(
      As(Role::kAdmin), "toy", testing::NoGoToyScenario(), {}, "toy.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "groundwork"}}, std::nullopt)
          .ok());
  ConfirmAll();
  ASSERT_TRUE(
      service_->process()
          .Transition(As(Role::kMarketing), "toy", "spring", {{"to", "transfer"}}, std::nullopt)
          .ok());
  // The check says no-go, which queues the counter-proposals by itself.
  const std::string check_key = WaitForCheck();
  json process = Process();
  EXPECT_EQ(process["check"]["verdict"], "no-go");
  ASSERT_TRUE(process["recommend"].is_object()) << process.dump();
  EXPECT_EQ(process["recommend"]["status"], "done");
  EXPECT_EQ(process["recommend"]["cause"], "check");
  EXPECT_TRUE(Contains(AuditActions(), "recommend-queued recommend"));
  EXPECT_TRUE(Contains(AuditActions(), "recommend-done recommend"));
  Outcome<Reply> read = service_->jobs().GetRecommendations(As(Role::kFinance), "toy", "spring");
  ASSERT_TRUE(read.ok()) << read.error().ToJson().dump();
  const json got = read.value().body;
  EXPECT_EQ(got["status"], "done");
  EXPECT_EQ(got["progress"], 1.0);
  const std::string key = got["key"];
  EXPECT_EQ(key, process["recommend"]["key"]);
  const json& result = got["result"];
  ASSERT_EQ(result["campaigns"].size(), 1u) << got.dump();
  EXPECT_EQ(result["campaigns"][0]["id"], "spring");
  EXPECT_EQ(result["campaigns"][0]["verdict"], "no-go");
  const json options = result["campaigns"][0]["options"];
  ASSERT_GE(options.size(), 2u) << result.dump();

  // It is `tandem recommend --json` on the campaign's check scenario (here the whole workspace),
  // byte for byte, and every option's verdict is what a check of the option applied gives.
  Outcome<Reply> exported = service_->workspaces().Export(As(Role::kFinance), "toy", false);
  ASSERT_TRUE(exported.ok());
  Result<Scenario> scenario = ParseScenario(exported.value().text, "export", NoFiles());
  ASSERT_TRUE(scenario.ok());
  RecommendOptions recommend;
  recommend.campaign = "spring";
  recommend.scenarios = 40;
  recommend.threads = 2;
  Result<Recommendations> library = Recommend(scenario.value(), recommend);
  ASSERT_TRUE(library.ok());
  std::string text = RecommendationsToJson(library.value(), scenario.value().currency);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  EXPECT_NE(read.value().text.find("\"result\":" + text + "}"), std::string::npos)
      << read.value().text;
  ASSERT_EQ(library.value().campaigns.size(), 1u);
  ASSERT_EQ(library.value().campaigns[0].options.size(), options.size());
  for (size_t i = 0; i < options.size(); ++i) {
    CheckOptions check;
    check.scenarios = 40;
    check.threads = 2;
    Result<CheckResult> applied = RunCheck(library.value().campaigns[0].options[i].applied, check);
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(options[i]["verdict"], VerdictName(applied.value().campaigns[0].verdict))
        << options[i]["summary"];
  }

  SignAll(check_key);
  const int64_t expand = OptionNumber(options, true);
  const int64_t other = OptionNumber(options, false);
  ASSERT_GT(expand, 0) << options.dump();
  ASSERT_GT(other, 0) << options.dump();
  // Booking capacity is operations' (and admin's); changing the campaign marketing's.
  Outcome<Reply> marketing_books = service_->jobs().AdoptOption(
      As(Role::kMarketing), "toy", "spring", {{"option", expand}, {"key", key}});
  ASSERT_FALSE(marketing_books.ok());
  EXPECT_EQ(marketing_books.error().status, 403);
  EXPECT_EQ(marketing_books.error().fields.at(0).field, "bookings");
  Outcome<Reply> operations_caps = service_->jobs().AdoptOption(
      As(Role::kOperations), "toy", "spring", {{"option", other}, {"key", key}});
  ASSERT_FALSE(operations_caps.ok());
  EXPECT_EQ(operations_caps.error().status, 403);
  Outcome<Reply> finance = service_->jobs().AdoptOption(As(Role::kFinance), "toy", "spring",
                                                        {{"option", other}, {"key", key}});
  ASSERT_FALSE(finance.ok());
  EXPECT_EQ(finance.error().status, 403);
  Outcome<Reply> beyond = service_->jobs().AdoptOption(As(Role::kAdmin), "toy", "spring",
                                                       {{"option", 99}, {"key", key}});
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().status, 400);
  EXPECT_EQ(beyond.error().fields.at(0).field, "option");
  EXPECT_EQ(beyond.error().fields.at(0).allowed, "1 to " + std::to_string(options.size()));
  EXPECT_EQ(EntityVersion("campaigns", "spring"), 1);  // nothing refused changed anything

  // Operations books the capacity: one write changes the campaign's bookings, withdraws
  // operations' sign-off (bookings are its part, not marketing's) and queues the check.
  const json chosen = options[static_cast<size_t>(expand - 1)];
  Outcome<Reply> adopted = service_->jobs().AdoptOption(
      As(Role::kOperations, "oscar"), "toy", "spring", {{"option", expand}, {"key", key}});
  ASSERT_TRUE(adopted.ok()) << adopted.error().ToJson().dump();
  const json after = adopted.value().body;
  EXPECT_EQ(after["state"], "transfer");
  EXPECT_NE(after["check"]["key"], check_key);
  EXPECT_TRUE(after["check"]["job"].is_number_integer());
  EXPECT_EQ(after["recommend"]["adopted"]["option"], expand);
  EXPECT_EQ(after["recommend"]["adopted"]["by"], "oscar");
  std::set<std::string> missing;
  for (const json& name : after["missing_signoffs"]) missing.insert(name);
  EXPECT_TRUE(missing.count("operations"));
  EXPECT_FALSE(missing.count("marketing"));
  EXPECT_EQ(EntityVersion("campaigns", "spring"), 2);
  const json bookings = EntityBody("campaigns", "spring")["bookings"];
  ASSERT_EQ(bookings.size(), 1u) << bookings.dump();
  EXPECT_EQ(bookings[0]["resource"], chosen["params"]["resource"]);
  EXPECT_EQ(bookings[0]["extra"], chosen["params"]["extra"]);
  EXPECT_EQ(bookings[0]["from"], chosen["params"]["from"]);
  EXPECT_EQ(bookings[0]["until"], chosen["params"]["until"]);
  bool audited = false;
  Outcome<Reply> audit = service_->alerts().Audit(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(audit.ok());
  for (const json& item : audit.value().body["items"]) {
    if (item["action"] != "adopt-option") continue;
    audited = true;
    EXPECT_EQ(item["actor"], "oscar");
    EXPECT_EQ(item["target"], "campaigns/spring");
    EXPECT_EQ(item["detail"]["option"], expand);
    EXPECT_EQ(item["detail"]["summary"], chosen["summary"]);
    EXPECT_EQ(item["detail"]["after"]["bookings"], bookings);
  }
  EXPECT_TRUE(audited);
  EXPECT_TRUE(Contains(AuditActions(), "withdraw-signoff operations"));
  // The key read before the change is stale now.
  Outcome<Reply> stale = service_->jobs().AdoptOption(As(Role::kMarketing), "toy", "spring",
                                                      {{"option", other}, {"key", key}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  EXPECT_EQ(stale.error().fields.at(0).field, "key");
  // The re-check gives the verdict the option claimed (go: the sign-offs given on no-go go too,
  // and a go campaign gets no counter-proposals of its own).
  WaitForCheck();
  process = Process();
  EXPECT_EQ(process["check"]["verdict"], chosen["verdict"]);
  EXPECT_EQ(process["check"]["key"], after["check"]["key"]);
  EXPECT_EQ(process["missing_signoffs"].size(), 4u);
  Outcome<Reply> now = service_->jobs().GetRecommendations(As(Role::kMarketing), "toy", "spring");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value().body["status"], "superseded");
  EXPECT_NE(now.value().body["key"], key);
  EXPECT_FALSE(now.value().body.contains("result"));
  // Asked for explicitly, a go campaign's counter-proposals are empty.
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(requested.ok());
  EXPECT_EQ(requested.value().status, 202);
  EXPECT_EQ(requested.value().body["status"], "queued");
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  now = service_->jobs().GetRecommendations(As(Role::kMarketing), "toy", "spring");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value().body["status"], "done");
  EXPECT_TRUE(now.value().body["result"]["campaigns"].empty());
}

TEST_P(ServiceTest, CounterProposalsAreCachedByContentAndSupersededByAChange) {
  Outcome<Reply> imported = service_->workspaces().Import(
      As(Role::kAdmin), "toy", testing::NoGoToyScenario(), {}, "toy.yaml");
  ASSERT_TRUE(imported.ok());
  Outcome<Reply> none = service_->jobs().GetRecommendations(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().body["status"], "none");
  EXPECT_EQ(none.value().body["progress"], 0.0);
  const std::string first_key = none.value().body["key"];
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(requested.ok());
  EXPECT_EQ(requested.value().status, 202);
  EXPECT_EQ(requested.value().body["key"], first_key);
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  Outcome<Reply> again =
      service_->jobs().RequestRecommendations(As(Role::kFinance), "toy", "spring");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().status, 200);
  EXPECT_EQ(again.value().body["status"], "done");
  // A change supersedes them; changing it back finds them in the cache without a search.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 6000; }).ok());
  Outcome<Reply> changed = service_->jobs().GetRecommendations(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.value().body["status"], "superseded");
  EXPECT_NE(changed.value().body["key"], first_key);
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 5000; }).ok());
  Outcome<Reply> cached =
      service_->jobs().RequestRecommendations(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached.value().status, 200);
  EXPECT_EQ(cached.value().body["key"], first_key);
  EXPECT_EQ(cached.value().body["result"], again.value().body["result"]);
  EXPECT_NE(service_->MetricsText().find("tandem_recommendations_run_total 1\n"), std::string::npos)
      << service_->MetricsText();
}

TEST_P(ServiceTest, ASearchCutShortByAShutdownRunsAgainAtTheNextStart) {
  const std::string greenleaf = testing::ReadSourceFile("examples/greenleaf.yaml");
  ASSERT_TRUE(service_->workspaces()
                  .Import(As(Role::kAdmin), "greenleaf", greenleaf, {}, "greenleaf.yaml")
                  .ok());
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kMarketing), "greenleaf", "spring-40");
  ASSERT_TRUE(requested.ok()) << requested.error().ToJson().dump();
  ASSERT_EQ(requested.value().status, 202);
  const int64_t job = requested.value().body["job"];
  // Stop the service once the search runs: it gives up at its next stage, and is neither
  // failed nor lost. (Should it finish first, the rest holds all the same.)
  for (int i = 0; i < 4000; ++i) {
    Outcome<Reply> read =
        service_->jobs().GetRecommendations(As(Role::kMarketing), "greenleaf", "spring-40");
    ASSERT_TRUE(read.ok());
    if (read.value().body["status"] != "queued") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  service_.reset();
  Outcome<std::unique_ptr<Service>> reopened =
      Service::Open(testing::TestOptions(database_->url()));
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  service_ = std::move(reopened.value());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  Outcome<Reply> finished = service_->jobs().GetJob(As(Role::kService), job);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished.value().body["status"], "done") << finished.value().body.dump();
  EXPECT_EQ(finished.value().body["kind"], "recommend");
  Outcome<Reply> read =
      service_->jobs().GetRecommendations(As(Role::kService), "greenleaf", "spring-40");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value().body["status"], "done");
  EXPECT_EQ(read.value().body["result"]["campaigns"][0]["id"], "spring-40");
}

TANDEM_INSTANTIATE_BACKENDS(ServiceTest);

}  // namespace
}  // namespace tandem::server
