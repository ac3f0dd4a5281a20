// The standing promises' statuses without each campaign come from runs forked from the run with
// every campaign at the campaign's first effect, and take the weeks no fork can change from the
// run with every campaign (engine/check.cc, PlanStandingForks; measure.h, WeekReuse). They must
// be exactly those of a whole run without the campaign from day 0 (Evaluate with
// exclude_campaign, the way they were computed before), for any thread count and whichever pass
// of the check simulated a scenario's runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario_files.h"
#include "tandem/common/cpu_counter.h"
#include "tandem/engine/check.h"
#include "tandem/engine/evaluate.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem::engine {
namespace {

// A desk near capacity (13.5 an hour against 280 orders a day with daily noise) that two
// campaigns load by 20% for a week each, one of them also a stocked offering's; returns come
// back 10 days after delivery to a second desk. Standing promises at several bounds and shares,
// so that their statuses without a campaign are between 0 and 1 and a change of a scenario's
// worst week shows in p_kept; the response promises on the returns desk read the returns that
// were scheduled before each fork, those on the help desk (a ticket per 20 orders, at once: 0.5
// an hour against 0.55) the campaigns' tickets from their first day (each was checked to fail the
// test when broken: weeks reused past the safe ones, returns before the fork not restored, and a
// forked measurement that stops at the reused weeks whether or not they already fall short:
// WeekReuse:: status_only; for the response promises: one week reused past the fork, and the same
// stop).
const char* kDesk = R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-05-30}
simulation: {scenarios: 100, seed: 5, confidence: 0.9}
resources:
  - {id: desk, kind: throughput, capacity: 13.5, processing_time: 1h}
  - {id: back, kind: throughput, capacity: 1.1}
  - {id: help, kind: throughput, capacity: 0.55}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], return_rate: 0.1, returns: back, return_lag: 10d,
     loads: [{resource: help, per_unit: 0.05}], baseline: {per_day: 240, noise: {cv: 0.1}}}
  - {id: b, price: 10, unit_cost: 4, stock: 800, supply: {per_day: 60, lead_time: 7d, safety_days: 2}, route: [desk],
     baseline: {per_day: 40, noise: {cv: 0.2}}}
messaging:
  - {type: processing, within: 4h, share: 0.8}
  - {type: processing, within: 4h, share: 0.9}
  - {type: processing, within: 8h, share: 0.9}
  - {type: processing, within: 8h, share: 0.95}
  - {type: delivery, within: 12h, share: 0.95}
  - {type: response, resource: back, within: 1d, share: 0.9}
  - {type: response, resource: back, within: 6h, share: 0.8}
  - {type: response, resource: back, within: 12h, share: 0.9}
  - {type: response, resource: help, within: 12h, share: 0.9}
  - {type: response, resource: help, within: 1d, share: 0.95}
campaigns:
  - id: early
    window: {start: 2027-03-22, end: 2027-03-28}
    lift: 0.2
  - id: late
    window: {start: 2027-05-03, end: 2027-05-09}
    lift: {expected: 0.2, low: 0.05, high: 0.3}
    offerings: [a]
)";

Scenario Desk() {
  return test_files::ParseText(kDesk, "standing.yaml");
}

TEST(StandingForkTest, StatusesWithoutEachCampaignAreThoseOfAWholeRun) {
  const Scenario scenario = Desk();
  int between = 0;  // statuses whose p_kept is neither 0 nor 1: the comparison means something
  for (int threads : {1, 2}) {
    CheckOptions options;
    options.scenarios = 100;
    options.threads = threads;
    Result<CheckResult> check = RunCheck(scenario, options);
    ASSERT_TRUE(check.ok());
    ASSERT_EQ(check.value().campaigns.size(), scenario.campaigns.size());
    for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
      EvaluateOptions evaluate;
      evaluate.economics = false;
      evaluate.exclude_campaign = static_cast<int>(k);
      evaluate.report_campaigns = false;
      Result<CheckResult> without = Evaluate(scenario, options, evaluate, nullptr, nullptr);
      ASSERT_TRUE(without.ok());
      const std::vector<StandingStatus>& forked = check.value().campaigns[k].standing_without;
      ASSERT_EQ(forked.size(), without.value().messaging.size());
      for (size_t i = 0; i < forked.size(); ++i) {
        const PromiseResult& whole = without.value().messaging[i];
        EXPECT_EQ(forked[i].status, whole.status) << "campaign " << k << ", promise " << i;
        EXPECT_EQ(forked[i].p_kept, whole.p_kept) << "campaign " << k << ", promise " << i;
        between += whole.p_kept > 0 && whole.p_kept < 1 ? 1 : 0;
      }
    }
  }
  EXPECT_GT(between, 0);
}

// The chunks simulated before the standing runs were known to be needed and those after run the
// economics' runs without each campaign alike: the series "without" (which begin a week before a
// campaign's period, before its fork, and read what the runs before left there) and every other
// figure are the same at 1 and 2 threads. The report's edge cases have such a campaign.
TEST(StandingForkTest, SameJsonForOneAndTwoThreads) {
  const std::string path =
      (std::filesystem::path(TANDEM_SOURCE_DIR) / "test" / "web" / "fixtures" / "edge-cases.yaml")
          .string();
  Result<Scenario> scenario = ReadScenarioFile(path);
  ASSERT_TRUE(scenario.ok()) << scenario.error().ToString();
  std::string json[2];
  for (int threads : {1, 2}) {
    CheckOptions options;
    options.threads = threads;
    options.collect_series = true;
    Result<CheckResult> check = RunCheck(scenario.value(), options);
    ASSERT_TRUE(check.ok());
    json[threads - 1] = CheckResultToJson(check.value());
  }
  EXPECT_EQ(json[0], json[1]);
}

// A desk at 8 an hour against 10 orders an hour: its backlog grows from the first day, so the
// standing "within 4h for 95%" is broken in every scenario (p_kept 0), and the runs without the
// campaign are read. With 160 scenarios in chunks of 16 at one thread and a confidence of 0.9,
// it can no longer be kept once 0 kept + the scenarios left fall below 144: after the second
// chunk (128 left). Counted by the first chunk, it is kept in none of its 16 scenarios, fewer
// than 0.9 x 16, so from the second chunk on each chunk runs its runs without the campaign at
// once; only the first is simulated again in the second pass: 160 + 16 runs with every
// campaign (it was 160 + 32 when a chunk waited until they were certainly needed).
TEST(StandingForkTest, ChunksRunTheRunsWithoutAtOnceWhenTheyAreLikelyRead) {
  const Scenario scenario = test_files::ParseText(R"(
tandem: 1
name: slow desk
horizon: {start: 2027-03-01, end: 2027-03-28}
simulation: {scenarios: 160, seed: 5, confidence: 0.9}
resources:
  - {id: desk, kind: throughput, capacity: 8}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], baseline: {per_day: 240}}
messaging:
  - {type: processing, within: 4h, share: 0.95}
campaigns:
  - id: c
    window: {start: 2027-03-15, end: 2027-03-21}
    lift: 0.2
)",
                                                  "slow.yaml");
  CheckOptions options;
  options.threads = 1;
  cpu::Reset();
  cpu::Enable(true);
  std::optional<cpu::Calls> calls(cpu::Call::kVerify);
  Result<CheckResult> check = RunCheck(scenario, options);
  calls.reset();
  cpu::Enable(false);
  const cpu::CounterReport report = cpu::Report();
  cpu::Reset();
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check.value().messaging.size(), 1u);
  EXPECT_EQ(check.value().messaging[0].p_kept, 0.0);
  ASSERT_EQ(check.value().campaigns.size(), 1u);
  EXPECT_EQ(check.value().campaigns[0].standing_without.size(), 1u);
  EXPECT_EQ(report.At(cpu::Call::kVerify, cpu::Part::kRunWith).units, 160 + 16);
  EXPECT_EQ(report.At(cpu::Call::kVerify, cpu::Part::kStandingWithout).units, 160);
}

}  // namespace
}  // namespace tandem::engine
