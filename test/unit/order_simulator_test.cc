// Tests of the order-level mode (src/engine/order_simulator.h) against queueing theory: M/M/1
// and M/M/c waiting times (Erlang C) in closed form, and a deterministic D/D/1 queue worked out
// by hand. Also: the same output whatever the thread count, and common random numbers (a
// campaign with no lift changes nothing), and a run forked from a saved state equals a run from
// scratch.
//
// Statistical tests compare the average over independent Monte Carlo scenarios with the closed
// form, within four standard errors of that average (estimated from the scenarios' spread), and
// require the standard error to be small enough that a wrong model fails.
#include "engine/order_simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem::engine {
namespace {

Scenario Parse(const std::string& text) {
  Result<Scenario> scenario = ParseScenario(
      text, "test.yaml",
      [](const std::string&) -> Result<std::string> { return Error::Io("no files"); });
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.value();
}

// One resource of `capacity` per hour, always open, fed by Poisson orders at `per_hour`, flat
// over the day, for a year; a campaign with no lift over the whole year carries the promise (a
// standing promise would count its worst week).
std::string StationaryQueue(double capacity, double per_hour, const std::string& within,
                            int scenarios) {
  return "tandem: 1\nname: stationary\nhorizon: {start: 2027-01-01, end: 2027-12-31}\n"
         "simulation: {scenarios: " +
         std::to_string(scenarios) +
         ", seed: 11}\n"
         "resources:\n  - {id: desk, kind: throughput, capacity: " +
         std::to_string(capacity) +
         "}\n"
         "offerings:\n  - {id: job, price: 1, stocked: false, route: [desk], baseline: {per_day: " +
         std::to_string(per_hour * 24) +
         "}}\n"
         "campaigns:\n  - id: year\n    window: {start: 2027-01-01, end: 2027-12-31}\n    lift: 0\n"
         "    promises:\n      - {type: processing, within: " +
         within + ", share: 0.5}\n";
}

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ.
double ErlangC(int servers, double load) {
  double term = 1;  // a^k / k!
  double below = 0;
  for (int k = 0; k < servers; ++k) {
    below += term;
    term *= load / (k + 1);
  }
  const double waiting = term * servers / (servers - load);
  return waiting / (below + waiting);
}

struct WaitStatistics {
  double mean = 0, mean_error = 0;  // mean wait (hours) over scenarios, and its standard error
  std::vector<double> beyond, beyond_error;  // P(wait > t) for each t
};

// Runs `scenarios` order-level runs and measures the waits of orders placed after a warm-up week.
WaitStatistics MeasureWaits(const Scenario& scenario, int scenarios,
                            const std::vector<double>& thresholds_hours) {
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  const RunPlan plan = MakeRunPlan(model, std::vector<char>(model.campaigns.size(), 1));
  OrderSimulator simulator(model);
  std::vector<double> means;
  std::vector<std::vector<double>> beyond(thresholds_hours.size());
  const double step_hours = model.grid.StepHours();
  for (int s = 0; s < scenarios; ++s) {
    ScenarioDraws draws;
    RunDemand demand;
    DrawScenario(model, 11, s, &draws);
    BuildRunDemand(model, plan.included, draws.base, draws.increment, &demand);
    RunTotals totals;
    simulator.Run(plan, draws, demand, 11, s, &totals);
    double sum = 0;
    double count = 0;
    std::vector<double> over(thresholds_hours.size(), 0.0);
    for (const OrderSimulator::Order& order : simulator.Orders()) {
      if (order.day < 7) continue;
      const OrderSimulator::Stage& stage = simulator.Stages()[order.first_stage];
      const double wait = (stage.start - stage.arrival) * step_hours;
      sum += wait;
      count += 1;
      for (size_t i = 0; i < thresholds_hours.size(); ++i)
        over[i] += wait > thresholds_hours[i] ? 1 : 0;
    }
    means.push_back(sum / count);
    for (size_t i = 0; i < thresholds_hours.size(); ++i) beyond[i].push_back(over[i] / count);
  }
  auto summarise = [&](const std::vector<double>& values, double* mean, double* error) {
    double total = 0;
    for (double value : values) total += value;
    *mean = total / static_cast<double>(values.size());
    double squares = 0;
    for (double value : values) squares += (value - *mean) * (value - *mean);
    *error = std::sqrt(squares / static_cast<double>(values.size() - 1) /
                       static_cast<double>(values.size()));
  };
  WaitStatistics statistics;
  summarise(means, &statistics.mean, &statistics.mean_error);
  statistics.beyond.resize(thresholds_hours.size());
  statistics.beyond_error.resize(thresholds_hours.size());
  for (size_t i = 0; i < thresholds_hours.size(); ++i) {
    summarise(beyond[i], &statistics.beyond[i], &statistics.beyond_error[i]);
  }
  return statistics;
}

TEST(OrderSimulatorTest, ServersAreTheCapacityPerHour) {
  const Scenario scenario = Parse(StationaryQueue(7.5, 1, "1h", 1));
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  OrderSimulator simulator(model);
  EXPECT_EQ(simulator.Servers(0), 8);  // ceil(7.5): eight servers, each at 7.5 / 8 per hour
}

// M/M/1, λ = 0.5/h, μ = 1/h: ρ = 0.5, mean wait ρ / (μ - λ) = 1 h, P(W > t) = ρ e^{-(μ-λ)t}:
// P(W > 0) = 0.5, P(W > 2h) = 0.5 e^-1 = 0.18394.
TEST(OrderSimulatorTest, MM1WaitsMatchTheClosedForm) {
  const Scenario scenario = Parse(StationaryQueue(1, 0.5, "2h", 40));
  const WaitStatistics waits = MeasureWaits(scenario, 40, {0.0, 2.0});
  EXPECT_LT(waits.mean_error, 0.05);
  EXPECT_NEAR(waits.mean, 1.0, 4 * waits.mean_error);
  EXPECT_NEAR(waits.beyond[0], 0.5, 4 * waits.beyond_error[0]);
  EXPECT_NEAR(waits.beyond[1], 0.5 * std::exp(-1.0), 4 * waits.beyond_error[1]);
}

// M/M/3, λ = 2.1/h, μ = 1/h per server: a = 2.1, Erlang C(3, 2.1) = 0.4916; mean wait
// C / (cμ - λ) = C / 0.9 h; P(W > t) = C e^{-(cμ-λ)t}.
TEST(OrderSimulatorTest, MMcWaitsMatchErlangC) {
  const Scenario scenario = Parse(StationaryQueue(3, 2.1, "1h", 40));
  const double c = ErlangC(3, 2.1);
  EXPECT_NEAR(c, 0.49234,
              1e-5);  // by hand: 2.1^3/3! * 3/0.9 = 5.145; 5.145 / (1 + 2.1 + 2.205 + 5.145)
  const WaitStatistics waits = MeasureWaits(scenario, 40, {0.0, 0.5, 1.0, 2.0});
  EXPECT_LT(waits.mean_error, 0.03);
  EXPECT_NEAR(waits.mean, c / 0.9, 4 * waits.mean_error);
  const double thresholds[] = {0.0, 0.5, 1.0, 2.0};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(waits.beyond[i], c * std::exp(-0.9 * thresholds[i]), 4 * waits.beyond_error[i])
        << thresholds[i];
  }
}

// Through the check: the campaign's "processed within 1h" share is P(W <= 1h) of M/M/3.
TEST(OrderSimulatorTest, CheckInOrdersModeMeasuresTheErlangCShare) {
  const Scenario scenario = Parse(StationaryQueue(3, 2.1, "1h", 40));
  CheckOptions options;
  options.mode = CheckMode::kOrders;
  options.threads = 2;
  Result<CheckResult> result = RunCheck(scenario, options);
  ASSERT_TRUE(result.ok());
  const Percentiles achieved = result.value().campaigns[0].promises[0].achieved;
  const double expected = 1 - ErlangC(3, 2.1) * std::exp(-0.9);
  // The spread of one scenario's share over a year is about 0.005 (see MMcWaitsMatchErlangC).
  EXPECT_NEAR(achieved.mean, expected, 0.005);
  EXPECT_GT(achieved.p95 - achieved.p5, 0.001);  // per-order variability shows across scenarios
  // Fluid mode has no per-order variability: below capacity nobody waits, except on the rare
  // days above 72 orders (P(Poisson(50.4) > 72) = 0.0016), when the queue grows through the day.
  options.mode = CheckMode::kFluid;
  Result<CheckResult> fluid = RunCheck(scenario, options);
  ASSERT_TRUE(fluid.ok());
  EXPECT_GT(fluid.value().campaigns[0].promises[0].achieved.mean, 0.998);
}

// D/D/1 by hand: 36 orders a day with `noise: none` arrive every 2/3 h, order j at
// (j + 1/2) * 2/3 h = 1/3 + 2j/3; one server taking exactly 1 h each. Order 0 starts at once
// (1/3 h); each next one when the previous is done: start_j = 1/3 + j, so order j waits j/3 h.
// Processed within 4h: j <= 12, 13 of the day's 36 orders = 0.36111.
TEST(OrderSimulatorTest, DD1WaitsByHand) {
  const std::string text =
      "tandem: 1\nname: dd1\nhorizon: {start: 2027-03-01, end: 2027-03-01}\n"
      "simulation: {scenarios: 2, seed: 1}\n"
      "resources:\n  - {id: desk, kind: throughput, capacity: 1}\n"
      "offerings:\n  - {id: job, price: 1, stocked: false, route: [desk], baseline: {per_day: 36, "
      "noise: none}}\n"
      "campaigns:\n  - id: day\n    window: {start: 2027-03-01, end: 2027-03-01}\n    lift: 0\n"
      "    promises:\n      - {type: processing, within: 4h, share: 0.5}\n";
  const Scenario scenario = Parse(text);
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  const RunPlan plan = MakeRunPlan(model, {1});
  ScenarioDraws draws;
  RunDemand demand;
  DrawScenario(model, 1, 0, &draws);
  BuildRunDemand(model, plan.included, draws.base, draws.increment, &demand);
  OrderSimulator simulator(model);
  RunTotals totals;
  simulator.Run(plan, draws, demand, 1, 0, &totals);
  ASSERT_EQ(simulator.Orders().size(), 36u);
  for (size_t j = 0; j < 36; ++j) {
    const OrderSimulator::Order& order = simulator.Orders()[j];
    const OrderSimulator::Stage& stage = simulator.Stages()[order.first_stage];
    EXPECT_NEAR(order.placed, 1.0 / 3 + 2.0 * static_cast<double>(j) / 3, 1e-9) << j;
    EXPECT_NEAR(stage.start - stage.arrival, static_cast<double>(j) / 3, 1e-9) << j;
  }
  options.mode = CheckMode::kOrders;
  Result<CheckResult> result = RunCheck(scenario, options);
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR(result.value().campaigns[0].promises[0].achieved.p50, 13.0 / 36,
              1e-6);  // stored as float
  // The peak backlog: order 35 arrives at 23:40 when orders 24..34 (11) still wait (start_j =
  // 1/3 + j > 23 2/3 for j > 23); with itself, 12 waiting.
  EXPECT_NEAR(result.value().campaigns[0].throughput[0].peak_backlog.p50, 12, 1e-9);
}

std::string StockedWithReturns(double lift) {
  return "tandem: 1\nname: returns\nhorizon: {start: 2027-03-01, end: 2027-03-31}\n"
         "simulation: {scenarios: 32, seed: 5}\n"
         "resources:\n  - {id: pack, kind: throughput, capacity: 12, cost_per_unit: 1}\n"
         "  - {id: desk, kind: throughput, capacity: 3, cost_per_unit: 2}\n"
         "offerings:\n  - {id: a, price: 10, unit_cost: 4, stock: 2000, supply: {per_day: 300, "
         "lead_time: 3d, "
         "safety_days: 2},\n     return_rate: 0.3, return_lag: 2d, returns: desk, route: [pack], "
         "baseline: {per_day: 200}}\n"
         "campaigns:\n  - id: c\n    window: {start: 2027-03-05, end: 2027-03-12}\n    lift: " +
         std::to_string(lift) +
         "\n    promises:\n      - {type: delivery, within: 4h, share: 0.8}\n";
}

TEST(OrderSimulatorTest, SameOutputWhateverTheThreadCount) {
  const Scenario scenario = Parse(StockedWithReturns(0.8));
  CheckOptions options;
  options.mode = CheckMode::kOrders;
  options.threads = 1;
  Result<CheckResult> one = RunCheck(scenario, options);
  options.threads = 2;
  Result<CheckResult> two = RunCheck(scenario, options);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(CheckResultToJson(one.value()), CheckResultToJson(two.value()));
}

// Common random numbers: without a campaign of zero lift, every order, return and service time
// is the same, so the increments are exactly zero in every scenario.
TEST(OrderSimulatorTest, NoLiftChangesNothing) {
  const Scenario scenario = Parse(StockedWithReturns(0));
  CheckOptions options;
  options.mode = CheckMode::kOrders;
  Result<CheckResult> result = RunCheck(scenario, options);
  ASSERT_TRUE(result.ok());
  const Economics& economics = result.value().campaigns[0].economics;
  EXPECT_EQ(economics.incremental_contribution.p5, 0);
  EXPECT_EQ(economics.incremental_contribution.p95, 0);
  EXPECT_EQ(economics.incremental_units.p95, 0);
  EXPECT_EQ(economics.incremental_fulfilment_cost.p95, 0);
}

// A run without the campaign that forks from the "with" run's saved state on the campaign's first
// day gives exactly what a run from scratch gives (the check's order-level mode relies on it).
TEST(OrderSimulatorTest, ForkedRunEqualsRunFromScratch) {
  const Scenario scenario = Parse(StockedWithReturns(0.8));
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  const RunPlan with = MakeRunPlan(model, {1});
  const RunPlan without = MakeRunPlan(model, {0});
  const int fork_day = model.campaigns[0].first_day;
  ASSERT_GT(fork_day, 0);
  // Stock plans differ before the window (more stock for the campaign): fork where they start to.
  int first_difference = fork_day;
  for (int d = 0; d < fork_day; ++d) {
    if (with.receipts[0][static_cast<size_t>(d)] != without.receipts[0][static_cast<size_t>(d)]) {
      first_difference = d;
      break;
    }
  }
  ASSERT_GT(first_difference, 0);
  OrderSimulator forked(model);
  OrderSimulator fresh(model);
  for (int64_t s = 0; s < 3; ++s) {
    ScenarioDraws draws;
    RunDemand with_demand;
    RunDemand without_demand;
    DrawScenario(model, 5, s, &draws);
    BuildRunDemand(model, with.included, draws.base, draws.increment, &with_demand);
    BuildRunDemand(model, without.included, draws.base, draws.increment, &without_demand);
    RunTotals with_totals;
    std::vector<OrderSimulator::Fork> forks;
    forked.Run(with, draws, with_demand, 5, s, &with_totals, {first_difference}, &forks);
    ASSERT_EQ(forks.size(), 1u);
    RunTotals from_fork;
    forked.RunFrom(forks[0], without, draws, without_demand, &from_fork);
    RunTotals from_scratch;
    fresh.Run(without, draws, without_demand, 5, s, &from_scratch);
    EXPECT_EQ(from_fork.contribution, from_scratch.contribution);
    EXPECT_EQ(from_fork.fulfilment_cost, from_scratch.fulfilment_cost);
    EXPECT_EQ(from_fork.returned, from_scratch.returned);
    ASSERT_EQ(forked.Orders().size(), fresh.Orders().size());
    for (size_t i = 0; i < fresh.Orders().size(); ++i) {
      EXPECT_EQ(forked.Orders()[i].exit, fresh.Orders()[i].exit) << i;
    }
    for (int day = 0; day < model.grid.total_days; ++day) {
      for (int r = 0; r < static_cast<int>(model.resources.size()); ++r) {
        EXPECT_EQ(forked.DayArrivals(r, day, 0), fresh.DayArrivals(r, day, 0));
        EXPECT_EQ(forked.DayMaxBacklog(r, day, 0), fresh.DayMaxBacklog(r, day, 0));
      }
    }
    // And the campaign makes a difference (the test is not vacuous).
    EXPECT_NE(with_totals.contribution, from_fork.contribution);
  }
}

}  // namespace
}  // namespace tandem::engine
