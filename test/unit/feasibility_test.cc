// Feasibility trials that stop early (engine/evaluate.h, EvaluateFeasibility): the answer is the
// full check's, and a trial stops exactly when the scenarios kept so far plus those not yet
// simulated fall short of the confidence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "scenario_files.h"
#include "tandem/engine/evaluate.h"
#include "tandem/io/scenario_reader.h"

namespace tandem::engine {
namespace {

Scenario Parse(const std::string& text) {
  return test_files::ParseText(text, "feasibility.yaml");
}

// One desk at `capacity` per hour around the clock; 240 orders a day, doubled for a week by the
// campaign; "processed within 4h for 95% of orders"; 400 scenarios at a confidence of 0.9.
std::string Desk(int capacity, const std::string& confidence = "0.9") {
  return R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-04-30}
simulation: {scenarios: 400, seed: 5, confidence: )" +
         confidence + R"(}
resources:
  - {id: desk, kind: throughput, capacity: )" +
         std::to_string(capacity) + R"(}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], baseline: {per_day: 240}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-16}
    lift: 1
    promises:
      - {type: processing, within: 4h, share: 0.95}
)";
}

// At 10 per hour (the baseline's rate) the backlog grows by 10 per hour from the window's start,
// so an order placed t hours into the window waits t hours: only the first 4 hours' orders (80
// of 3,360) are processed within 4h, 2.4% against the 95% promised, in every scenario. p_kept
// is 0, and at a confidence of 0.9 over 400 scenarios the promise cannot be kept once more than
// 40 scenarios have failed (0 kept + 360 left < 360 needed): after the third chunk of 16
// scenarios, 48.
Scenario Broken() {
  return Parse(Desk(10));
}
// At 30 per hour the campaign's 20 per hour never queue: every order is processed within its
// hour, and every scenario keeps the promise.
Scenario Holds() {
  return Parse(Desk(30));
}

struct Trial {
  std::optional<CampaignResult> result;
  int64_t simulated = 0;  // the last progress report
};

Trial RunTrial(const Scenario& scenario, int threads) {
  CheckOptions options;
  options.campaign = "c";
  options.threads = threads;
  Trial trial;
  options.progress = [&](int64_t finished, int64_t) {
    trial.simulated = std::max(trial.simulated, finished);
  };
  Result<std::optional<CampaignResult>> result = EvaluateFeasibility(scenario, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  if (result.ok()) trial.result = result.value();
  return trial;
}

CampaignResult FullCheck(const Scenario& scenario) {
  CheckOptions options;
  options.campaign = "c";
  EvaluateOptions evaluate;
  evaluate.economics = false;
  Result<CheckResult> result = Evaluate(scenario, options, evaluate, nullptr);
  EXPECT_TRUE(result.ok() && result.value().campaigns.size() == 1);
  return result.value().campaigns.front();
}

TEST(FeasibilityTest, BrokenPromiseStopsAfterTheScenariosThatDecideIt) {
  const Scenario scenario = Broken();
  const CampaignResult full = FullCheck(scenario);
  ASSERT_EQ(full.promises.size(), 1u);
  EXPECT_EQ(full.promises[0].p_kept, 0.0);
  EXPECT_NE(full.promises[0].status, PromiseStatus::kKept);

  const Trial one = RunTrial(scenario, 1);
  EXPECT_FALSE(one.result.has_value());
  EXPECT_EQ(one.simulated, 48);
  // More threads may simulate a few more chunks before they stop; the answer is the same.
  const Trial two = RunTrial(scenario, 2);
  EXPECT_FALSE(two.result.has_value());
  EXPECT_LT(two.simulated, 400);
}

TEST(FeasibilityTest, PromiseThatHoldsRunsEveryScenarioAndGivesTheFullResult) {
  const Scenario scenario = Holds();
  const CampaignResult full = FullCheck(scenario);
  for (int threads : {1, 2}) {
    const Trial trial = RunTrial(scenario, threads);
    ASSERT_TRUE(trial.result.has_value());
    EXPECT_EQ(trial.simulated, 400);
    ASSERT_EQ(trial.result->promises.size(), 1u);
    EXPECT_EQ(trial.result->promises[0].status, PromiseStatus::kKept);
    EXPECT_EQ(trial.result->promises[0].p_kept, 1.0);
    EXPECT_EQ(trial.result->promises[0].p_kept, full.promises[0].p_kept);
    EXPECT_EQ(trial.result->promises[0].achieved.p50, full.promises[0].achieved.p50);
    EXPECT_EQ(trial.result->verdict, full.verdict);
  }
}

TEST(FeasibilityTest, NeedsTheCampaign) {
  const Scenario scenario = Holds();
  CheckOptions options;
  EXPECT_FALSE(EvaluateFeasibility(scenario, options).ok());
}

// The grid a check simulates: the horizon and a tail of 7 days plus the longest consequence of a
// horizon order, rounded up to whole days. The desk has no processing time, transit, returns,
// loads or stock, so the tail follows the promise's bound alone: 4h and 12h round up to one day
// (8 days of tail), 10d gives 17. Recommend reuses a campaign's "without" statuses only between
// scenarios whose grids agree, so a relax that lengthens the bound is told apart.
TEST(FeasibilityTest, GridDaysFollowTheLongestBound) {
  auto with_bound = [](const std::string& bound) {
    std::string text = Desk(10);
    text.replace(text.find("within: 4h"), 10, "within: " + bound);
    return Parse(text);
  };
  CheckOptions options;
  const Scenario four_hours = with_bound("4h");
  const int horizon = four_hours.horizon.days();
  EXPECT_EQ(GridDays(four_hours, options), horizon + 8);
  EXPECT_EQ(GridDays(with_bound("12h"), options), horizon + 8);
  EXPECT_EQ(GridDays(with_bound("10d"), options), horizon + 17);
  options.min_tail_days = 30;  // a search's longer tail: 30 + 7
  EXPECT_EQ(GridDays(four_hours, options), horizon + 37);
}

// --- Capacity probes (EvaluateProbe): watches and their needs -----------------------------------

// At 18 per hour the campaign's 20 per hour queue a little, by a different amount in each
// scenario: the share processed within 4h spreads from about 13% to 38%.
Scenario Queueing() {
  return Parse(Desk(18));
}
// At 20 per hour the queue builds in a minority of scenarios: p_kept about 0.86 at 95%.
Scenario Marginal(const std::string& confidence) {
  return Parse(Desk(20, confidence));
}

CheckOptions ProbeOptions(int64_t scenarios, int threads) {
  CheckOptions options;
  options.campaign = "c";
  options.scenarios = scenarios;
  options.threads = threads;
  return options;
}

struct Probe {
  std::optional<std::vector<PromiseResult>> result;
  int64_t simulated = 0;  // the last progress report
};

Probe RunProbe(const Scenario& scenario, int64_t scenarios, const Watch& watch, int threads) {
  CheckOptions options = ProbeOptions(scenarios, threads);
  Probe probe;
  options.progress = [&](int64_t finished, int64_t) {
    probe.simulated = std::max(probe.simulated, finished);
  };
  Result<std::optional<std::vector<PromiseResult>>> result =
      EvaluateProbe(scenario, options, {watch});
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  if (result.ok()) probe.result = result.value();
  return probe;
}

CampaignResult FullCheckOf(const Scenario& scenario, int64_t scenarios) {
  EvaluateOptions evaluate;
  evaluate.economics = false;
  Result<CheckResult> result = Evaluate(scenario, ProbeOptions(scenarios, 1), evaluate, nullptr);
  EXPECT_TRUE(result.ok() && result.value().campaigns.size() == 1);
  return result.value().campaigns.front();
}

// The campaign's promise's achieved share in each scenario (measured as an extra promise of the
// same scope), ascending.
std::vector<double> SortedAchieved(const Scenario& scenario, int64_t scenarios) {
  EvaluateOptions evaluate;
  evaluate.economics = false;
  evaluate.extra.push_back({0, scenario.campaigns[0].promises[0], std::nullopt});
  std::vector<ExtraResult> extras;
  Result<CheckResult> result = Evaluate(scenario, ProbeOptions(scenarios, 1), evaluate, &extras);
  EXPECT_TRUE(result.ok() && extras.size() == 1);
  std::vector<double> values(extras[0].achieved_by_scenario.begin(),
                             extras[0].achieved_by_scenario.end());
  std::sort(values.begin(), values.end());
  return values;
}

// The median as the check reports it (Percentiles::p50): the middle value, or the mean of the two
// middle ones (each halved, then added).
double MedianOf(const std::vector<double>& sorted) {
  const size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : sorted[n / 2 - 1] * 0.5 + sorted[n / 2] * 0.5;
}

double Above(double value) {
  return std::nextafter(value, 2.0);
}

// A median watch stops exactly when the full check's median falls short of its target: for n
// even and odd, and for targets equal to the middle values themselves. With n = 400 and T just
// above the 200th value, 200 scenarios fall short of T but the median (the 200th and 201st
// values' mean) reaches it: a probe that stopped at n / 2 would be wrong. With T the 201st
// value, the same 200 fall short and the median is below T: only all the scenarios decide it.
// With n = 201 and T the 101st value (the median itself), 100 fall short and it holds.
TEST(FeasibilityTest, MedianWatchStopsExactlyWhenTheMedianFallsShort) {
  const Scenario scenario = Queueing();
  for (int64_t n : {400, 201}) {
    SCOPED_TRACE("scenarios " + std::to_string(n));
    const std::vector<double> sorted = SortedAchieved(scenario, n);
    ASSERT_EQ(sorted.size(), static_cast<size_t>(n));
    const size_t lower = static_cast<size_t>((n - 1) / 2);
    const size_t upper = static_cast<size_t>(n / 2);
    ASSERT_LT(sorted[lower - 1], sorted[lower]);  // distinct middle values: the cases differ
    ASSERT_LT(sorted[upper], sorted[upper + 1]);
    if (n % 2 == 0) {
      ASSERT_LT(sorted[lower], sorted[upper]);
    }
    const CampaignResult full = FullCheckOf(scenario, n);
    const double median = MedianOf(sorted);
    ASSERT_EQ(full.promises[0].achieved.p50, median);
    const std::vector<double> targets = {sorted[lower],
                                         Above(sorted[lower]),
                                         sorted[upper],
                                         Above(sorted[upper]),
                                         median,
                                         Above(median),
                                         std::nextafter(median, 0.0),
                                         0.0,
                                         1.0};
    int stops = 0;
    for (double target : targets) {
      for (int threads : {1, 2}) {
        SCOPED_TRACE("target " + std::to_string(target) + ", threads " + std::to_string(threads));
        const Probe probe =
            RunProbe(scenario, n, {0, Watch::Need::kMedianAtLeast, target}, threads);
        EXPECT_EQ(!probe.result.has_value(), median < target);
        stops += probe.result.has_value() ? 0 : 1;
        if (!probe.result) continue;
        ASSERT_EQ(probe.result->size(), 1u);
        EXPECT_EQ((*probe.result)[0].achieved.p50, median);
        EXPECT_EQ((*probe.result)[0].status, full.promises[0].status);
        EXPECT_EQ((*probe.result)[0].p_kept, full.promises[0].p_kept);
        EXPECT_EQ((*probe.result)[0].text, full.promises[0].text);
        EXPECT_EQ(probe.simulated, n);
      }
    }
    EXPECT_GT(stops, 0);
    EXPECT_LT(stops, static_cast<int>(2 * targets.size()));
    // A target above every scenario's share stops once n / 2 + 1 scenarios fell short of it.
    const Probe clear = RunProbe(scenario, n, {0, Watch::Need::kMedianAtLeast, 1.0}, 1);
    EXPECT_FALSE(clear.result.has_value());
    EXPECT_GE(clear.simulated, n / 2 + 1);
    EXPECT_LT(clear.simulated, n);
  }
}

// A kept watch stops exactly when the full check does not keep the promise: at 20 per hour the
// promise is kept in a share p of the scenarios; at a confidence of p it is kept, one scenario
// more (p + 1/n) or 0.9 it is not.
TEST(FeasibilityTest, KeptWatchStopsExactlyWhenThePromiseIsNotKept) {
  const int64_t n = 400;
  const double p_kept = FullCheckOf(Marginal("0.9"), n).promises[0].p_kept;
  ASSERT_GT(p_kept, 0.5);
  ASSERT_LT(p_kept, 0.9);
  char text[32];
  int kept_cases = 0;
  for (double confidence : {p_kept, p_kept + 1.0 / static_cast<double>(n), 0.9}) {
    std::snprintf(text, sizeof(text), "%.17g", confidence);
    SCOPED_TRACE(std::string("confidence ") + text);
    const Scenario scenario = Marginal(text);
    const CampaignResult full = FullCheckOf(scenario, n);
    const bool kept = full.promises[0].status == PromiseStatus::kKept;
    kept_cases += kept ? 1 : 0;
    for (int threads : {1, 2}) {
      const Probe probe = RunProbe(scenario, n, {0, Watch::Need::kKept, 0}, threads);
      EXPECT_EQ(probe.result.has_value(), kept);
      if (probe.result) {
        EXPECT_EQ((*probe.result)[0].p_kept, full.promises[0].p_kept);
      }
    }
  }
  EXPECT_EQ(kept_cases, 1);
  // A promise that no scenario keeps stops after the scenarios that decide it, as
  // EvaluateFeasibility does (BrokenPromiseStopsAfterTheScenariosThatDecideIt).
  const Probe broken = RunProbe(Broken(), n, {0, Watch::Need::kKept, 0}, 1);
  EXPECT_FALSE(broken.result.has_value());
  EXPECT_EQ(broken.simulated, 48);
}

// A watch that needs nothing measures its promise over every scenario, as the full check does.
TEST(FeasibilityTest, ProbeWithoutNeedsGivesTheFullChecksFigures) {
  const Scenario scenario = Broken();
  const CampaignResult full = FullCheckOf(scenario, 400);
  const Probe probe = RunProbe(scenario, 400, {0}, 2);
  ASSERT_TRUE(probe.result.has_value());
  ASSERT_EQ(probe.result->size(), 1u);
  const PromiseResult& promise = (*probe.result)[0];
  EXPECT_EQ(promise.status, full.promises[0].status);
  EXPECT_EQ(promise.p_kept, full.promises[0].p_kept);
  EXPECT_EQ(promise.achieved.p5, full.promises[0].achieved.p5);
  EXPECT_EQ(promise.achieved.p50, full.promises[0].achieved.p50);
  EXPECT_EQ(promise.achieved.p95, full.promises[0].achieved.p95);
  EXPECT_EQ(promise.target, full.promises[0].target);
  EXPECT_TRUE(promise.binding.empty());
  EXPECT_EQ(probe.simulated, 400);
  // Only measured promises of the named campaign can be watched.
  EXPECT_FALSE(EvaluateProbe(scenario, ProbeOptions(400, 1), {{1}}).ok());
  EXPECT_FALSE(EvaluateProbe(scenario, CheckOptions{}, {{0}}).ok());
}

// The desk at 15 per hour: the baseline's 10 per hour never queue, the campaign's 20 per hour
// for the week of March 10 build a backlog of 5 per hour, 840 orders by the week's end, drained
// by March 23: the longest wait is 840 / 15 = 56 hours, so the campaign's "within 4d (96h)" is
// kept in every scenario, while the standing "within 4h for 95%" fails its worst week (the
// backlog passes 4 hours of work, 60 orders, 12 hours into the window) in every scenario with
// the campaign: broken, p_kept 0. Without the campaign it would never queue.
Scenario StandingDesk() {
  return Parse(R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-04-30}
simulation: {scenarios: 200, seed: 5, confidence: 0.9}
resources:
  - {id: desk, kind: throughput, capacity: 15}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], baseline: {per_day: 240}}
messaging:
  - {type: processing, within: 4h, share: 0.95}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-16}
    lift: 1
    promises:
      - {type: processing, within: 4d, share: 0.95}
)");
}

// A trial reads a standing promise only for what its campaign endangers (a status worse with it
// than without it), so one broken without the campaign is not measured (CheckRunner::
// StandingRead): the answer must be the same as if it were. Kept or at risk without the
// campaign, it is measured and the campaign endangers it.
TEST(FeasibilityTest, StandingPromiseBrokenWithoutTheCampaignIsNotMeasured) {
  const Scenario scenario = StandingDesk();
  auto trial = [&](PromiseStatus without, double p_kept, int threads) {
    CheckOptions options;
    options.campaign = "c";
    options.threads = threads;
    const std::vector<StandingStatus> statuses = {{without, p_kept}};
    Result<std::optional<CampaignResult>> result = EvaluateFeasibility(scenario, options, statuses);
    EXPECT_TRUE(result.ok() && result.value().has_value());
    return result.ok() && result.value() ? *result.value() : CampaignResult{};
  };
  for (int threads : {1, 2}) {
    const CampaignResult kept_without = trial(PromiseStatus::kKept, 1.0, threads);
    ASSERT_EQ(kept_without.promises.size(), 1u);
    EXPECT_EQ(kept_without.promises[0].status, PromiseStatus::kKept);
    EXPECT_EQ(kept_without.promises[0].p_kept, 1.0);
    ASSERT_EQ(kept_without.standing.size(), 1u);
    EXPECT_EQ(kept_without.standing[0].with.status, PromiseStatus::kBroken);
    EXPECT_EQ(kept_without.standing[0].with.p_kept, 0.0);
    EXPECT_EQ(kept_without.verdict, Verdict::kNoGo);

    const CampaignResult at_risk_without = trial(PromiseStatus::kAtRisk, 0.6, threads);
    ASSERT_EQ(at_risk_without.standing.size(), 1u);
    EXPECT_EQ(at_risk_without.standing[0].with.status, PromiseStatus::kBroken);
    EXPECT_EQ(at_risk_without.standing[0].without.status, PromiseStatus::kAtRisk);

    // Broken without it: nothing to endanger, the same promises' figures and no standing reason.
    const CampaignResult broken_without = trial(PromiseStatus::kBroken, 0.0, threads);
    EXPECT_TRUE(broken_without.standing.empty());
    EXPECT_EQ(broken_without.verdict, Verdict::kGo);
    ASSERT_EQ(broken_without.promises.size(), 1u);
    EXPECT_EQ(broken_without.promises[0].p_kept, kept_without.promises[0].p_kept);
    EXPECT_EQ(broken_without.promises[0].achieved.p50, kept_without.promises[0].achieved.p50);
  }
}

}  // namespace
}  // namespace tandem::engine
