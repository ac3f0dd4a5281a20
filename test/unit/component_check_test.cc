// The check of one component of the resource graph alone (RunComponentCheck,
// tandem/engine/check_blocks.h; docs/scale-out.md, "The sub-model"): the component's campaigns,
// promises, resources and the standing promises inside it get the same bits as in the whole
// check (RunCheck), in both modes, although the component alone would have a shorter tail (site
// B's returns lag sets the whole grid's) and other random stream indices (its offerings and
// campaign come after site A's in the file).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "merged_blocks.h"
#include "scenario_files.h"
#include "tandem/engine/check.h"
#include "tandem/engine/check_blocks.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/model/components.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

// Two sites and a budget over the horizon charged by both campaigns (a budget joins nothing).
// Site B's returns come back 20 days later: the whole scenario's tail is longer than site A's.
constexpr const char* kTwoSites = R"(tandem: 1
name: two sites
horizon: {start: 2027-03-01, end: 2027-03-28}
simulation: {scenarios: 48, seed: 3}
resources:
  - {id: pa, kind: throughput, capacity: 90, cost_per_unit: 1.5, processing_time: 4h}
  - {id: ra, kind: throughput, capacity: 2, cost_per_unit: 4}
  - {id: money, kind: budget, capacity: 5000}
  - {id: pb, kind: throughput, capacity: 60, cost_per_unit: 2, processing_time: 6h, expansion: {extra: 2, cost_per_unit: 5, lead_time: 2d}}
  - {id: rb, kind: throughput, capacity: 3, cost_per_unit: 3}
offerings:
  - {id: a1, price: 24, unit_cost: 11, return_rate: 0.1, returns: ra, route: [pa], baseline: {per_day: 40}}
  - {id: a2, price: 9.5, unit_cost: 4, route: [pa], baseline: {per_day: 70, noise: {cv: 0.2}}}
  - {id: b1, price: 59, unit_cost: 30, return_rate: 0.05, return_lag: 20d, returns: rb, route: [pb], baseline: {per_day: 30, noise: {cv: 0.1}}}
  - {id: b2, price: 14, unit_cost: 7.25, route: [pb], baseline: {per_day: 25}}
messaging:
  - {type: delivery, within: 2d, share: 0.9}
  - {type: delivery, within: 1d, share: 0.8, offerings: [b2, b1]}
  - {type: processing, within: 12h, share: 0.9, offerings: [a2]}
campaigns:
  - id: spring
    window: {start: 2027-03-08, end: 2027-03-14}
    offerings: [a1, a2]
    discount: 0.15
    lift: {expected: 0.6, low: 0.3, high: 0.9}
    spend: 2000
    promises:
      - {type: delivery, within: 2d, share: 0.9}
  - id: autumn
    window: {start: 2027-03-12, end: 2027-03-20}
    offerings: [b1]
    discount: 0.2
    lift: {expected: 0.8, low: 0.4, high: 1.4}
    spend: 1500
    bookings: [{resource: pb, extra: 2, from: 2027-03-15, until: 2027-03-18}]
    promises:
      - {type: delivery, within: 1d, share: 0.95}
      - {type: response, resource: rb, within: 2d, share: 0.8}
)";

Scenario Parse(const std::string& text) {
  Result<Scenario> scenario = ParseScenario(text, "two-sites.yaml", test_files::NoFiles());
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.ok() ? scenario.value() : Scenario{};
}

// What a component's check and the whole check must agree on for a campaign: everything but
// what depends on other components (the budget, the standing promises it may endanger, hence
// its verdict and reasons).
CampaignResult OwnFigures(CampaignResult campaign) {
  campaign.verdict = Verdict::kGo;
  campaign.reasons.clear();
  campaign.budget.clear();
  campaign.standing.clear();
  campaign.standing_without.clear();
  return campaign;
}

// The JSON of `result` with only `campaigns` and the standing promises `messaging` (by index in
// result.messaging), each numbered as in the whole scenario.
std::string Json(const CheckResult& result, const std::vector<int>& campaigns,
                 const std::vector<int>& messaging, const std::vector<int>& whole_messaging) {
  CheckResult out = result;
  out.verdict = Verdict::kGo;
  out.campaigns.clear();
  for (int k : campaigns) out.campaigns.push_back(OwnFigures(result.campaigns[k]));
  out.messaging.clear();
  for (size_t i = 0; i < messaging.size(); ++i) {
    PromiseResult promise = result.messaging[static_cast<size_t>(messaging[i])];
    promise.index = whole_messaging[i];
    out.messaging.push_back(promise);
  }
  return CheckResultToJson(out);
}

TEST(ComponentCheckTest, ComponentAloneGivesTheWholeCheckFigures) {
  const Scenario scenario = Parse(kTwoSites);
  const ResourceComponents components = FindComponents(scenario);
  ASSERT_EQ(components.count, 3);  // site A, site B, the budget
  for (CheckMode mode : {CheckMode::kFluid, CheckMode::kOrders}) {
    CheckOptions options;
    options.mode = mode;
    options.scenarios = mode == CheckMode::kOrders ? 20 : 48;
    options.threads = 2;
    const Result<CheckResult> whole = RunCheck(scenario, options);
    ASSERT_TRUE(whole.ok()) << whole.error().ToString();
    // Site A: campaign spring (0), the processing promise on a2 (standing 2). Site B: campaign
    // autumn (1), the delivery promise on b2 and b1 (standing 1). Standing 0 spans both sites.
    const Result<CheckResult> a = RunComponentCheck(scenario, options, 0);
    const Result<CheckResult> b = RunComponentCheck(scenario, options, 1);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    ASSERT_TRUE(b.ok()) << b.error().ToString();
    ASSERT_EQ(a.value().campaigns.size(), 1u);
    ASSERT_EQ(a.value().messaging.size(), 2u);  // standing 0 narrowed to a1 and a2, standing 2
    ASSERT_EQ(b.value().messaging.size(), 2u);  // standing 0 narrowed to b1 and b2, standing 1
    EXPECT_EQ(Json(a.value(), {0}, {1}, {2}), Json(whole.value(), {0}, {2}, {2}));
    EXPECT_EQ(Json(b.value(), {0}, {1}, {1}), Json(whole.value(), {1}, {1}, {1}));
    // Not vacuous: the campaigns sell, and the figures are not those of the component checked
    // as a scenario of its own (its shorter tail and its own stream indices).
    EXPECT_GT(whole.value().campaigns[1].economics.incremental_units.mean, 10);
    Scenario site_b = RestrictToComponent(scenario, components, 1).scenario;
    const Result<CheckResult> alone = RunCheck(site_b, options);
    ASSERT_TRUE(alone.ok());
    EXPECT_NE(Json(alone.value(), {0}, {1}, {1}), Json(whole.value(), {1}, {1}, {1}));
  }
}

TEST(ComponentCheckTest, RefusesAComponentOutOfRange) {
  const Scenario scenario = Parse(kTwoSites);
  EXPECT_FALSE(RunComponentCheck(scenario, CheckOptions{}, 3).ok());
  EXPECT_FALSE(RunComponentCheck(scenario, CheckOptions{}, -1).ok());
}

// Blocks of (component, scenarios): merged, they give RunCheck's JSON byte for byte. The standing
// promise over both sites is taken out (its weekly shares add units across components: such a
// check is not split along components, below).
std::string SplitText() {
  std::string text = kTwoSites;
  const std::string spanning = "  - {type: delivery, within: 2d, share: 0.9}\n";
  text.erase(text.find(spanning), spanning.size());
  return text;
}

using test_blocks::Merged;
using test_blocks::WholeModel;

TEST(ComponentBlocksTest, MergedComponentBlocksGiveTheCheck) {
  const Scenario scenario = Parse(SplitText());
  for (CheckMode mode : {CheckMode::kFluid, CheckMode::kOrders}) {
    for (bool series : {false, true}) {
      CheckOptions options;
      options.mode = mode;
      options.collect_series = series;
      options.scenarios = mode == CheckMode::kOrders ? 20 : 40;
      options.threads = 2;
      ASSERT_EQ(CheckComponents(scenario, options).value(), 2);  // the budget holds no offering
      const std::string whole = WholeModel(scenario, options);
      const int64_t n = *options.scenarios;
      EXPECT_EQ(Merged(scenario, options, {{0, n, 1}, {0, n, 0}}), whole);
      // Blocks of scenarios per component, and a whole-scenario block for the first chunk.
      EXPECT_EQ(
          Merged(scenario, options, {{16, n - 16, 1}, {0, 16, 0}, {16, n - 16, 0}, {0, 16, 1}}),
          whole);
      EXPECT_EQ(Merged(scenario, options, {{16, n - 16, 0}, {0, 16, -1}, {16, n - 16, 1}}), whole);
    }
  }
}

// RunCheck of a scenario that splits simulates one component at a time and merges (the check by
// components): the whole model's bytes for any thread count, in both modes, with the series.
TEST(ComponentBlocksTest, RunCheckByComponentsGivesTheWholeModelsCheck) {
  const Scenario scenario = Parse(SplitText());
  for (CheckMode mode : {CheckMode::kFluid, CheckMode::kOrders}) {
    for (bool series : {false, true}) {
      for (int threads : {1, 2}) {
        CheckOptions options;
        options.mode = mode;
        options.collect_series = series;
        options.scenarios = mode == CheckMode::kOrders ? 20 : 40;
        options.threads = threads;
        ASSERT_EQ(CheckComponents(scenario, options).value(), 2);
        const Result<CheckResult> check = RunCheck(scenario, options);
        ASSERT_TRUE(check.ok()) << check.error().ToString();
        const std::string whole = WholeModel(scenario, options);
        EXPECT_EQ(CheckResultToJson(check.value()), whole)
            << CheckModeName(mode) << " series " << series << " threads " << threads;
        // Not vacuous: both sites' campaigns sell and are measured.
        ASSERT_EQ(check.value().campaigns.size(), 2u);
        EXPECT_GT(check.value().campaigns[0].economics.incremental_units.mean, 10);
        EXPECT_GT(check.value().campaigns[1].economics.incremental_units.mean, 10);
      }
    }
  }
}

// Its progress counts the components' scenarios as shares of the whole: it never goes back and
// ends at every scenario.
TEST(ComponentBlocksTest, RunCheckByComponentsReportsProgressOfTheWhole) {
  const Scenario scenario = Parse(SplitText());
  CheckOptions options;
  options.scenarios = 40;
  options.threads = 1;
  std::vector<int64_t> done;
  options.progress = [&](int64_t scenarios, int64_t total) {
    EXPECT_EQ(total, 40);
    done.push_back(scenarios);
  };
  ASSERT_TRUE(RunCheck(scenario, options).ok());
  // Two components of three chunks each (16, 16, 8 scenarios).
  EXPECT_EQ(done, (std::vector<int64_t>{8, 16, 20, 28, 36, 40}));
}

TEST(ComponentBlocksTest, MergeRefusesAMissingOrRepeatedComponent) {
  const Scenario scenario = Parse(SplitText());
  CheckOptions options;
  options.scenarios = 32;
  const std::string a0 = RunCheckBlock(scenario, options, 0, 32, 0).value();
  const std::string a1 = RunCheckBlock(scenario, options, 0, 32, 1).value();
  const std::string whole = RunCheckBlock(scenario, options, 0, 16).value();
  const std::string b1 = RunCheckBlock(scenario, options, 0, 16, 1).value();
  for (const std::vector<std::string>& blobs : std::vector<std::vector<std::string>>{
           {a0}, {a0, a0, a1}, {a0, a1, whole}, {a1, whole}, {a0, a1, b1}}) {
    const Result<CheckResult> result = MergeCheckBlocks(scenario, options, blobs);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().ToString().find("a block of the check does not fit it"),
              std::string::npos)
        << result.error().ToString();
  }
  EXPECT_FALSE(RunCheckBlock(scenario, options, 0, 32, 2).ok());  // two components
}

// Two campaigns on site A (spring, and summer after it): split too. The run without summer takes
// the week of its series before its fork day from the run with every campaign, whichever run came
// before it (in the whole model the run without autumn on site B, in site A's sub-model the run
// without spring), so both give the same bytes (docs/plans/without-run-days.md).
TEST(ComponentBlocksTest, SplitWhereAComponentHoldsTwoCampaigns) {
  std::string text = SplitText();
  text.insert(text.find("  - id: autumn"),
              "  - id: summer\n"
              "    window: {start: 2027-03-16, end: 2027-03-22}\n"
              "    offerings: [a1]\n"
              "    lift: {expected: 0.9, low: 0.5, high: 1.3}\n"
              "    spend: 1000\n"
              "    promises:\n"
              "      - {type: delivery, within: 2d, share: 0.9}\n");
  const Scenario scenario = Parse(text);
  ASSERT_EQ(scenario.campaigns.size(), 3u);
  for (bool series : {false, true}) {
    CheckOptions options;
    options.scenarios = 32;
    options.threads = 2;
    options.collect_series = series;
    EXPECT_EQ(CheckComponents(scenario, options).value(), 2);
    const Result<CheckResult> check = RunCheck(scenario, options);
    ASSERT_TRUE(check.ok()) << check.error().ToString();
    EXPECT_EQ(CheckResultToJson(check.value()), WholeModel(scenario, options));
  }
}

TEST(ComponentBlocksTest, NotSplitWhereAStandingPromiseSpansComponents) {
  const Scenario scenario = Parse(kTwoSites);  // its first standing promise covers both sites
  CheckOptions options;
  options.scenarios = 16;
  EXPECT_EQ(CheckComponents(scenario, options).value(), 1);
  EXPECT_FALSE(RunCheckBlock(scenario, options, 0, 16, 0).ok());
  const Scenario split = Parse(SplitText());
  options.campaign = "spring";  // one campaign reported: not split either
  EXPECT_EQ(CheckComponents(split, options).value(), 1);
}

}  // namespace
}  // namespace tandem
