// The fluid simulator's stock stage (engine/simulator_stock.cc) on lanes that run out of stock
// on different days: each lane's units served at once per day, its units leaving stock per step
// and the work they bring to the first stage of the route, against figures derived by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "tandem/io/scenario_reader.h"

namespace tandem::engine {
namespace {

// Two stocked offerings with 50 units on hand each, no supply, one packing stage with ample
// capacity. The demand of each lane is set by the test, not drawn.
const char* kTwoShelves = R"(
tandem: 1
name: two shelves
horizon: {start: 2027-03-01, end: 2027-03-10}
simulation: {scenarios: 8, seed: 1}
resources:
  - {id: pack, kind: throughput, capacity: 1000}
offerings:
  - {id: a, price: 10, unit_cost: 4, stock: 50, route: [pack], baseline: {per_day: 10, noise: none}}
  - {id: b, price: 10, unit_cost: 4, stock: 50, route: [pack], baseline: {per_day: 10, noise: none}}
)";

// Offering a: lane l orders D = 10 (l + 1) units a day. Offering b: 10 a day in every lane.
double DemandOfA(size_t lane) {
  return 10.0 * static_cast<double>(lane + 1);
}

// Units served from stock at once on `day` when D a day meet 50 units on hand and no supply:
// D on each of the floor(50 / D) days the stock covers in full, the rest on the next day, then
// nothing (every later order waits for stock that never comes).
double ServedAtOnce(double per_day, int day) {
  const int full_days = static_cast<int>(50.0 / per_day);
  if (day < full_days) return per_day;
  if (day == full_days) return 50.0 - full_days * per_day;
  return 0.0;
}

TEST(SimulatorStockTest, LanesRunOutOfStockOnTheirOwnDays) {
  const FileLoader none = [](const std::string&) -> Result<std::string> {
    return Error::Io("no files");
  };
  Result<Scenario> scenario = ParseScenario(kTwoShelves, "two-shelves.yaml", none);
  ASSERT_TRUE(scenario.ok()) << scenario.error().ToString();
  CheckOptions options;
  const CompiledModel model = Compile(scenario.value(), options);
  ASSERT_EQ(model.offerings.size(), 2u);
  ASSERT_TRUE(model.offerings[0].stocked);
  const int days = model.grid.horizon_days;
  const int spd = model.grid.steps_per_day;
  ASSERT_EQ(days, 10);

  const RunPlan plan = MakeRunPlan(model, {});
  std::array<RunDemand, kLanes> demand;
  BatchDemand batch;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    demand[lane].counts = {std::vector<double>(static_cast<size_t>(days), DemandOfA(lane)),
                           std::vector<double>(static_cast<size_t>(days), 10.0)};
    demand[lane].revenue = {0.0, 0.0};
    demand[lane].sold = {0.0, 0.0};
    batch.lanes[lane] = &demand[lane];
  }
  batch.Interleave(model);
  Simulator simulator(model, std::vector<char>(model.resources.size(), 1),
                      std::vector<char>(model.offerings.size(), kMeasureStockEntries));
  BatchTotals totals;
  simulator.Run(plan, batch, &totals, true);

  for (size_t lane = 0; lane < kLanes; ++lane) {
    const int l = static_cast<int>(lane);
    std::vector<double> entries_a;
    std::vector<double> entries_b;
    simulator.Entries(0, l, &entries_a);
    simulator.Entries(1, l, &entries_b);
    for (int day = 0; day < days; ++day) {
      const double a = ServedAtOnce(DemandOfA(lane), day);
      const double b = ServedAtOnce(10.0, day);
      EXPECT_NEAR(simulator.AtOnce(0, day, l), a, 1e-9) << "lane " << lane << " day " << day;
      EXPECT_NEAR(simulator.AtOnce(1, day, l), b, 1e-9) << "lane " << lane << " day " << day;
      double left_a = 0;
      double left_b = 0;
      const size_t first = static_cast<size_t>(day) * static_cast<size_t>(spd);
      for (size_t s = 0; s < static_cast<size_t>(spd); ++s) {
        left_a += entries_a[first + s];
        left_b += entries_b[first + s];
      }
      // No supply: what leaves stock is what was served at once, and all of it goes to pack.
      EXPECT_NEAR(left_a, a, 1e-9) << "lane " << lane << " day " << day;
      EXPECT_NEAR(left_b, b, 1e-9) << "lane " << lane << " day " << day;
      EXPECT_NEAR(simulator.DayArrivals(0, day, l), a + b, 1e-9)
          << "lane " << lane << " day " << day;
    }
  }
  // Lane 1 (20 a day) has 10 units left on day 2: they go in that day's first half, as fast as
  // orders come (the intraday shape's first steps), and nothing leaves stock after them.
  std::vector<double> entries;
  simulator.Entries(0, 1, &entries);
  const std::vector<double>& shape = model.ShapeOn(model.offerings[0].shape, 2);
  double ordered = 0;
  for (int s = 0; s < spd; ++s) {
    const double before = ordered;
    ordered += 20.0 * shape[static_cast<size_t>(s)];
    const double expected = before >= 10.0 ? 0.0 : std::min(ordered, 10.0) - before;
    EXPECT_NEAR(entries[2 * static_cast<size_t>(spd) + static_cast<size_t>(s)], expected, 1e-9)
        << "step " << s;
  }
}

}  // namespace
}  // namespace tandem::engine
