// Measurer::MeasureFamily (measure.h): the levels of one promise measured in one walk must give
// each level exactly what Measure gives it alone, bit for bit, on runs where the walk takes every
// path: steps whose units leave stock at once (the route's shared exit times), steps whose units
// wait for stock (the walk from the stock's exit), cut-offs and the three kinds of deadline; and
// for response promises, tickets from side loads and from returns.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/measure.h"
#include "engine/simulator.h"
#include "scenario_files.h"
#include "with_and_without.h"

namespace tandem::engine {
namespace {

// A stocked offering whose 1,500 units in stock run out in the campaign's first days (about
// 520 a day ordered, 200 a day supplied): its later orders wait for stock. The second offering
// is made to order on the same route. Pick-pack works weekdays 06:00-22:00 at 40 an hour (640 a
// day against about 620 ordered in the window), so deadlines of a day or two bind after
// weekends. Support answers 3 an hour, 08:00-20:00, for tickets from both offerings' orders and
// the stocked one's returns.
const char* kShop = R"(
tandem: 1
name: family
horizon: {start: 2027-03-01, end: 2027-03-28}
simulation: {scenarios: 8, seed: 5}
calendars:
  day:
    open: {mon-fri: "06:00-22:00"}
  office:
    open: {mon-sat: "08:00-20:00"}
resources:
  - {id: pick, kind: throughput, capacity: 70, calendar: day, processing_time: 2h}
  - {id: support, kind: throughput, capacity: 3, calendar: office}
  - {id: returns, kind: throughput, capacity: 10, calendar: office}
offerings:
  - {id: stocked, price: 10, stock: 3000, supply: {per_day: 200, lead_time: 2d},
     route: [pick], transit: 24h, return_rate: 0.05, returns: returns,
     loads: [{resource: support, per_unit: 0.05, lag: 1d}],
     baseline: {per_day: 300, noise: {cv: 0.2}}}
  - {id: made, price: 20, stocked: false, route: [pick], transit: 12h,
     loads: [{resource: support, per_unit: 0.02}],
     baseline: {per_day: 200, weekly: [1, 1, 1, 1, 1.3, 1.5, 0.5]}}
campaigns:
  - id: push
    window: {start: 2027-03-08, end: 2027-03-21}
    offerings: [stocked, made]
    lift: 0.6
)";

PromiseSpec Level(const CompiledModel& model, PromiseType type, Deadline within,
                  std::optional<int> cutoff_minutes) {
  PromiseSpec spec;
  spec.campaign = 0;
  spec.promise.type = type;
  spec.promise.within = within;
  spec.promise.cutoff = cutoff_minutes;
  spec.promise.share = 0.9;
  spec.offerings = {0, 1};
  spec.first_day = 7;
  spec.last_day = 20;
  if (type == PromiseType::kResponse) spec.resource = 1;
  if (within.kind == Deadline::Kind::kWithin) {
    spec.bound_steps = model.grid.StepsFrom(within.within);
  } else {
    spec.bound_steps = model.grid.steps_per_day * (within.kind == Deadline::Kind::kNextDay ? 2 : 1);
  }
  return spec;
}

std::vector<PromiseSpec> Levels(const CompiledModel& model, PromiseType type) {
  std::vector<PromiseSpec> levels;
  for (int hours : {4, 12, 24, 48, 96}) {
    levels.push_back(Level(model, type, Deadline::Within(Duration::Hours(hours)), std::nullopt));
  }
  levels.push_back(Level(model, type, Deadline::NextDay(), 14 * 60));
  levels.push_back(Level(model, type, Deadline::SameDay(), 10 * 60));
  levels.push_back(Level(model, type, Deadline::NextDay(), std::nullopt));
  return levels;
}

// Every level's family measurement against its own, in every lane; returns the distinct
// achieved shares seen, so that a test can tell the levels were told apart.
std::set<double> ExpectFamilyEqualsOneByOne(const CompiledModel& model, PromiseType type) {
  const WithAndWithout runs(model, 5);
  const std::vector<char> measured(model.resources.size(), 1);
  const std::vector<char> offerings(model.offerings.size(), 3);
  Simulator simulator(model, measured, offerings);
  BatchTotals totals;
  simulator.Run(runs.with_plan, runs.with_batch, &totals, true);
  const std::vector<PromiseSpec> levels = Levels(model, type);
  std::vector<const PromiseSpec*> pointers;
  for (const PromiseSpec& level : levels) {
    EXPECT_TRUE(FamilyMeasurable(level));
    EXPECT_TRUE(SameFamily(levels.front(), level));
    pointers.push_back(&level);
  }
  std::set<double> achieved;
  for (int lane = 0; lane < kLanes; ++lane) {
    const size_t l = static_cast<size_t>(lane);
    // The stocked offering's orders leave stock at once on some days of the window and wait
    // for it on others: the walk takes both paths.
    int short_days = 0;
    for (int day = 7; day <= 20; ++day) {
      if (simulator.AtOnce(0, day, lane) < runs.with_demand[l].counts[0][static_cast<size_t>(day)])
        ++short_days;
    }
    EXPECT_GT(short_days, 0) << "lane " << lane;
    EXPECT_LT(short_days, 14) << "lane " << lane;
    Measurer family(model, simulator, runs.with_plan, runs.with_demand[l], lane);
    std::vector<Measurement> together(levels.size());
    family.MeasureFamily(pointers.data(), pointers.size(), together.data());
    for (size_t i = 0; i < levels.size(); ++i) {
      Measurer alone(model, simulator, runs.with_plan, runs.with_demand[l], lane);
      const Measurement expected = alone.Measure(levels[i], nullptr);
      EXPECT_EQ(together[i].achieved, expected.achieved) << "lane " << lane << " level " << i;
      EXPECT_EQ(together[i].covered, expected.covered) << "lane " << lane << " level " << i;
      achieved.insert(expected.achieved);
    }
  }
  return achieved;
}

TEST(MeasureFamilyTest, DeliveryLevelsMeasuredTogetherAreEachLevelsOwnMeasurement) {
  const Scenario scenario = test_files::ParseText(kShop, "family.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const CompiledModel model = Compile(scenario, CheckOptions{});
  // The levels differ: of the 64 (8 levels in 8 lanes), 49 distinct shares were measured (4 h and
  // 12 h are never kept: the transit alone is 12 h or more). A family walk that gave every level
  // the first one's deadline or cut-off would fail the comparison above.
  const std::set<double> achieved = ExpectFamilyEqualsOneByOne(model, PromiseType::kDelivery);
  EXPECT_GE(achieved.size(), 40u);
}

TEST(MeasureFamilyTest, ProcessingLevelsMeasuredTogetherAreEachLevelsOwnMeasurement) {
  const Scenario scenario = test_files::ParseText(kShop, "family.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const CompiledModel model = Compile(scenario, CheckOptions{});
  const std::set<double> achieved = ExpectFamilyEqualsOneByOne(model, PromiseType::kProcessing);
  EXPECT_GE(achieved.size(), 40u);
}

TEST(MeasureFamilyTest, ResponseLevelsMeasuredTogetherAreEachLevelsOwnMeasurement) {
  const Scenario scenario = test_files::ParseText(kShop, "family.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const CompiledModel model = Compile(scenario, CheckOptions{});
  const std::set<double> achieved = ExpectFamilyEqualsOneByOne(model, PromiseType::kResponse);
  EXPECT_GE(achieved.size(), 40u);
}

TEST(MeasureFamilyTest, OnlyLevelsOfOnePromiseAreOneFamily) {
  const Scenario scenario = test_files::ParseText(kShop, "family.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const CompiledModel model = Compile(scenario, CheckOptions{});
  const PromiseSpec base =
      Level(model, PromiseType::kDelivery, Deadline::Within(Duration::Hours(24)), std::nullopt);
  PromiseSpec other = base;
  other.promise.within = Deadline::NextDay();
  other.promise.cutoff = 600;
  other.promise.share = 0.5;
  other.bound_steps = 48;
  EXPECT_TRUE(SameFamily(base, other));  // deadline, cut-off and share are per level
  other = base;
  other.offerings = {0};
  EXPECT_FALSE(SameFamily(base, other));
  other = base;
  other.last_day = 19;
  EXPECT_FALSE(SameFamily(base, other));
  other = base;
  other.promise.type = PromiseType::kProcessing;
  EXPECT_FALSE(SameFamily(base, other));
  other = base;
  other.campaign = -1;
  EXPECT_FALSE(SameFamily(base, other));
  other = base;
  other.weekly = true;
  EXPECT_FALSE(SameFamily(base, other));
  PromiseSpec availability = base;
  availability.promise.type = PromiseType::kAvailability;
  EXPECT_FALSE(FamilyMeasurable(availability));
}

}  // namespace
}  // namespace tandem::engine
