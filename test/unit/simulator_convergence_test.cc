// A "without the campaign" run that stops early, once it has caught up with the "with" run,
// must end with exactly the totals of the whole run (engine/simulator.h, RunFrom). Checked by
// running both ways on a scenario whose queues empty soon after the campaign, and on one
// whose queue never catches up (no early stop: the comparison must say so).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "scenario_files.h"
#include "tandem/io/scenario_reader.h"
#include "with_and_without.h"

namespace tandem::engine {
namespace {

Scenario Parse(const std::string& text) {
  return test_files::ParseText(text, "convergence.yaml");
}

// Capacity 20 per hour against 10 per hour of demand, doubled by the campaign and returns of
// 5% with a 3-day lag: the queue empties within hours of the window's end and the returns of
// campaign orders are done within a week, so the runs agree from then on.
const char* kAmple = R"(
tandem: 1
name: ample
horizon: {start: 2027-03-01, end: 2027-05-31}
simulation: {scenarios: 8, seed: 3}
resources:
  - {id: desk, kind: throughput, capacity: 20, processing_time: 2h, cost_per_unit: 1.5}
  - {id: pack, kind: throughput, capacity: 30, cost_per_unit: 0.5}
  - {id: back, kind: throughput, capacity: 5, cost_per_unit: 2}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk, pack], return_rate: 0.05, returns: back,
     return_lag: 3d, baseline: {per_day: 240}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-16}
    lift: 1
)";

// The same with a desk that cannot keep up even without the campaign: its backlog grows all
// the time, and the extra backlog the campaign leaves never drains.
const char* kOverloaded = R"(
tandem: 1
name: overloaded
horizon: {start: 2027-03-01, end: 2027-05-31}
simulation: {scenarios: 8, seed: 3}
resources:
  - {id: desk, kind: throughput, capacity: 9, cost_per_unit: 1.5}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], baseline: {per_day: 240}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-16}
    lift: 1
)";

struct Outcome {
  BatchTotals full;
  BatchTotals early;
  int converged_day = -1;
};

Outcome RunBothWays(const Scenario& scenario) {
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  const WithAndWithout runs(model, 3);
  const RunPlan& with = runs.with_plan;
  const RunPlan& without = runs.without_plan;
  const BatchDemand& with_batch = runs.with_batch;
  const BatchDemand& without_batch = runs.without_batch;

  const int fork_day = model.campaigns[0].first_day;
  std::vector<int> days = {fork_day};
  for (int day = model.campaigns[0].last_day + 1; day < model.grid.total_days; day += 7)
    days.push_back(day);
  std::vector<char> measured_resources(model.resources.size(), 0);
  std::vector<char> measured_offerings(model.offerings.size(), 0);
  Simulator simulator(model, measured_resources, measured_offerings);
  std::vector<Simulator::Fork> forks(days.size());
  Simulator::Fork final_state;
  BatchTotals with_totals;
  simulator.Run(with, with_batch, &with_totals, false, days, &forks, &final_state);

  Outcome outcome;
  simulator.RunFrom(forks[0], without, without_batch, &outcome.full);
  EXPECT_EQ(simulator.converged_day(), -1);
  Simulator::Convergence convergence;
  for (size_t i = 1; i < forks.size(); ++i) convergence.checkpoints.push_back(&forks[i]);
  convergence.final_state = &final_state;
  simulator.RunFrom(forks[0], without, without_batch, &outcome.early, convergence);
  outcome.converged_day = simulator.converged_day();
  return outcome;
}

void ExpectSameTotals(const BatchTotals& full, const BatchTotals& early) {
  for (size_t lane = 0; lane < kLanes; ++lane) {
    ASSERT_EQ(early[lane].contribution.size(), full[lane].contribution.size());
    for (size_t k = 0; k < full[lane].contribution.size(); ++k) {  // per component
      EXPECT_NEAR(early[lane].contribution[k], full[lane].contribution[k],
                  1e-6 * std::max(1.0, std::fabs(full[lane].contribution[k])))
          << "lane " << lane;
      EXPECT_NEAR(early[lane].fulfilment_cost[k], full[lane].fulfilment_cost[k],
                  1e-6 * std::max(1.0, full[lane].fulfilment_cost[k]))
          << "lane " << lane;
      EXPECT_DOUBLE_EQ(early[lane].units_sold[k], full[lane].units_sold[k]) << "lane " << lane;
    }
    ASSERT_EQ(early[lane].returned.size(), full[lane].returned.size());
    for (size_t o = 0; o < full[lane].returned.size(); ++o) {
      EXPECT_NEAR(early[lane].returned[o], full[lane].returned[o],
                  1e-6 * std::max(1.0, full[lane].returned[o]));
    }
  }
}

TEST(SimulatorConvergenceTest, StopsOnceCaughtUpWithTheSameTotals) {
  const Outcome outcome = RunBothWays(Parse(kAmple));
  // The window ends on day 15; the first checkpoint is day 16, the next 23. Returns of the last
  // campaign orders arrive three days after delivery, so the runs agree by day 23 at the latest.
  EXPECT_GE(outcome.converged_day, 16);
  EXPECT_LE(outcome.converged_day, 23);
  ExpectSameTotals(outcome.full, outcome.early);
}

TEST(SimulatorConvergenceTest, NeverStopsWhileTheCampaignsBacklogRemains) {
  const Outcome outcome = RunBothWays(Parse(kOverloaded));
  EXPECT_EQ(outcome.converged_day, -1);
  ExpectSameTotals(outcome.full, outcome.early);
}

}  // namespace
}  // namespace tandem::engine
