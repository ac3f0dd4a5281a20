// Simulator::StartCurve (engine/simulator.cc): when a step's first and last arrivals start at a
// resource, on lanes with and without a backlog, against figures derived by hand.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "scenario_files.h"
#include "tandem/io/scenario_reader.h"

namespace tandem::engine {
namespace {

// One desk open around the clock at 5 units an hour; one offering, no stock, 1-hour steps.
const char* kDesk = R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-03-05}
simulation: {scenarios: 8, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 5}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], baseline: {per_day: 120, noise: none}}
)";

TEST(StartCurveTest, BacklogLanesWaitForCumulativeCapacity) {
  const Scenario scenario = test_files::ParseText(kDesk, "desk.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  CheckOptions options;
  const CompiledModel model = Compile(scenario, options);
  const int days = model.grid.horizon_days;
  ASSERT_EQ(model.grid.steps_per_day, 24);
  const RunPlan plan = MakeRunPlan(model, {});
  // Even lanes: 120 a day (5 an hour, what the desk does: no backlog). Odd lanes: 240 a day
  // (10 an hour: the backlog grows by 5 every hour).
  std::array<RunDemand, kLanes> demand;
  BatchDemand batch;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    demand[lane].counts = {
        std::vector<double>(static_cast<size_t>(days), lane % 2 == 0 ? 120.0 : 240.0)};
    demand[lane].revenue = {0.0};
    demand[lane].sold = {0.0};
    batch.lanes[lane] = &demand[lane];
  }
  batch.Interleave(model);
  Simulator simulator(model, std::vector<char>(model.resources.size(), 1),
                      std::vector<char>(model.offerings.size(), 0));
  BatchTotals totals;
  simulator.Run(plan, batch, &totals, true);

  // Odd lanes: before step t, 5t units wait; the desk has done 5t by t, so the step's first unit
  // starts when 10t are done (time 2t), its last (10 more) when 10t + 10 are (time 2t + 2).
  // Checked while arrivals last (the horizon's steps) and the times stay within it.
  const int64_t horizon = static_cast<int64_t>(days) * 24;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    std::vector<double> low;
    std::vector<double> high;
    simulator.StartCurve(plan, 0, static_cast<int>(lane), &low, &high);
    ASSERT_EQ(low.size(), static_cast<size_t>(model.grid.total_steps));
    for (int64_t t = 0; 2 * t + 2 <= horizon; ++t) {
      const double step = static_cast<double>(t);
      const size_t s = static_cast<size_t>(t);
      if (lane % 2 == 0) {
        EXPECT_EQ(low[s], step) << "lane " << lane << " step " << t;
        EXPECT_EQ(high[s], step + 1) << "lane " << lane << " step " << t;
      } else {
        EXPECT_EQ(low[s], 2 * step) << "lane " << lane << " step " << t;
        EXPECT_EQ(high[s], 2 * step + 2) << "lane " << lane << " step " << t;
      }
    }
  }
  // StartCurveReaches: the first step whose first or last start is at or past the limit. With
  // the limit 20: even lanes' last units start at t + 1, so step 19; odd lanes' at 2t + 2, so
  // step 9. A limit no step reaches before it is returned as it is (even lanes, limit 1: step
  // 0's last unit starts at 1, so 0; limit 0: no step before it, 0).
  for (int lane = 0; lane < kLanes; ++lane) {
    EXPECT_EQ(simulator.StartCurveReaches(plan, 0, lane, 20), lane % 2 == 0 ? 19 : 9)
        << "lane " << lane;
    EXPECT_EQ(simulator.StartCurveReaches(plan, 0, lane, 1), 0) << "lane " << lane;
    EXPECT_EQ(simulator.StartCurveReaches(plan, 0, lane, 0), 0) << "lane " << lane;
  }
}

}  // namespace
}  // namespace tandem::engine
