// WorkspaceService without HTTP, on both databases: import and export, history files, validation
// naming the field, each function's part, versions, and the impact preview of an edit.
#include "service_fixture.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::NoFiles;
using testing::ServiceFixture;

class WorkspaceServiceTest : public ServiceFixture {};

TEST_P(WorkspaceServiceTest, ImportAndExportRoundTripGreenleafWithoutLossOfMeaning) {
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

TEST_P(WorkspaceServiceTest, HistoryFilesTravelWithTheScenario) {
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

TEST_P(WorkspaceServiceTest, InvalidWritesAreRefusedNamingTheField) {
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

TEST_P(WorkspaceServiceTest, EachFunctionEditsOnlyItsOwnPart) {
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

TEST_P(WorkspaceServiceTest, UpdatesNeedTheCurrentVersion) {
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

TEST_P(WorkspaceServiceTest, TheImpactPreviewShowsWhatSavingWouldBreakWithoutStoringIt) {
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

// A body the parse refused is refused after the service's role check (requests.h): finance
// creating a workspace or changing settings is 403 whatever the body; marketing gets the 400.
TEST_P(WorkspaceServiceTest, TheRoleIsCheckedBeforeTheBody) {
  ImportToy();
  const json not_object = json::array();
  Outcome<Reply> create = service_->workspaces().CreateWorkspace(
      As(Role::kFinance), ParseCreateWorkspaceRequest(not_object));
  ASSERT_FALSE(create.ok());
  EXPECT_EQ(create.error().ToJson().dump(),
            R"j({"error":{"code":"forbidden","fields":[],"message":"only marketing and admin )j"
            R"j(create workspaces","status":403}})j");
  EXPECT_EQ(service_->workspaces()
                .CreateWorkspace(As(Role::kMarketing), ParseCreateWorkspaceRequest(not_object))
                .error()
                .status,
            400);
  EXPECT_EQ(service_->workspaces()
                .PutSettings(As(Role::kService), "toy", ParseSettingsRequest(not_object), 1)
                .error()
                .status,
            403);
  EXPECT_EQ(service_->workspaces()
                .PutSettings(As(Role::kMarketing), "toy", ParseSettingsRequest({{"zone", 1}}), 1)
                .error()
                .fields.at(0)
                .field,
            "zone");
  EXPECT_EQ(service_->users()
                .CreateUser(As(Role::kMarketing), ParseCreateUserRequest(not_object))
                .error()
                .status,
            403);
}

TANDEM_INSTANTIATE_BACKENDS(WorkspaceServiceTest);

}  // namespace
}  // namespace tandem::server
