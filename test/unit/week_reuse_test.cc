// Measurer's week reuse (measure.h, WeekReuse) in a run forked from a measured run: the weeks it
// takes from the run it forked from must be exactly what a whole run measures, week by week.
// Here the guard that matters is the start curve's: a week that ends before the fork but whose
// queue is served after it (a help desk closed at the weekend, the campaign's booking adding
// capacity from the Monday of the fork) is not the same week in the run without the booking.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/measure.h"
#include "engine/simulator.h"
#include "scenario_files.h"
#include "tandem/io/scenario_reader.h"
#include "with_and_without.h"

namespace tandem::engine {
namespace {

// 2027-03-01 is a Monday; the ISO weeks are Mar 1-7, 8-14, 15-21, 22-28. Tickets: one per 20
// orders of 240 a day, spread over the day (12 a day, 0.5 an hour around the clock). The help
// desk answers 1.5 an hour, 08:00-20:00 on weekdays (90 a week against 84). The campaign books 3
// more an hour from Monday Mar 15 (horizon day 14: the fork day, before its window).
//
// Hand derivation of the week Mar 8-14 (the one the guard keeps from being reused): from Friday
// 20:00 to Monday 08:00, 60 hours of tickets (30) wait. With the booking the desk starts them
// at 4.5 an hour, so the ticket that arrived on Sunday at 23:00 (32 ahead of it) starts about
// 7 hours in, Monday 15:00, within its day. Without it (1.5 an hour) it starts after 21 open
// hours: Tuesday about 17:00, 42 hours after it arrived. So that week's kept tickets differ
// between the runs, and its steps all lie before the fork (the week ends Sunday 24:00).
const char* kHelpDesk = R"(
tandem: 1
name: help desk
horizon: {start: 2027-03-01, end: 2027-03-28}
simulation: {scenarios: 8, seed: 3}
calendars:
  office:
    open: {mon-fri: "08:00-20:00"}
resources:
  - {id: desk, kind: throughput, capacity: 100}
  - {id: help, kind: throughput, capacity: 1.5, calendar: office,
     expansion: {extra: 3, cost_per_unit: 2, lead_time: 0d}}
offerings:
  - {id: a, price: 10, stocked: false, route: [desk], loads: [{resource: help, per_unit: 0.05}],
     baseline: {per_day: 240, noise: {cv: 0.1}}}
campaigns:
  - id: boost
    window: {start: 2027-03-17, end: 2027-03-21}
    lift: 0.1
    bookings:
      - {resource: help, extra: 3, from: 2027-03-15, until: 2027-03-28}
)";

// The standing promise "help answers within 1d, 90%", over the whole horizon, week by week.
PromiseSpec ResponseSpec(const CompiledModel& model) {
  PromiseSpec spec;
  spec.promise.type = PromiseType::kResponse;
  spec.promise.within = Deadline::Within(Duration::Hours(24));
  spec.promise.share = 0.9;
  spec.offerings = {0};
  spec.first_day = 0;
  spec.last_day = model.grid.horizon_days - 1;
  spec.weekly = true;
  spec.resource = 1;
  spec.bound_steps = 24;
  return spec;
}

TEST(WeekReuseTest, AResponseWeekServedAfterTheForkIsMeasuredNotReused) {
  const Scenario scenario = test_files::ParseText(kHelpDesk, "help.yaml");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const CompiledModel model = Compile(scenario, CheckOptions{});
  const WithAndWithout runs(model, 3);
  ASSERT_EQ(model.grid.steps_per_day, 24);
  ASSERT_EQ(model.num_weeks, 4);
  const int fork_day = 14;  // the booking's first day, a Monday
  ASSERT_NE(runs.with_plan.capacity[1], runs.without_plan.capacity[1]);
  const PromiseSpec spec = ResponseSpec(model);
  const std::vector<char> measured(model.resources.size(), 1);
  const std::vector<char> offerings(model.offerings.size(), 0);

  // The whole run without the campaign, measured from day 0: the figures to match.
  Simulator whole(model, measured, offerings);
  BatchTotals totals;
  whole.Run(runs.without_plan, runs.without_batch, &totals, true);
  std::array<WeekRecord, kLanes> expected;
  for (int lane = 0; lane < kLanes; ++lane) {
    Measurer measurer(model, whole, runs.without_plan, runs.without_demand[lane], lane);
    measurer.Measure(spec, nullptr, nullptr, &expected[static_cast<size_t>(lane)]);
  }

  // The run with the campaign records its weeks; the run without it forks at the Monday.
  Simulator simulator(model, measured, offerings);
  std::vector<Simulator::Fork> forks(1);
  simulator.Run(runs.with_plan, runs.with_batch, &totals, true, {fork_day}, &forks);
  std::array<WeekRecord, kLanes> prior;
  int differing_lanes = 0;  // lanes whose week Mar 8-14 differs between the two runs
  for (int lane = 0; lane < kLanes; ++lane) {
    const size_t l = static_cast<size_t>(lane);
    Measurer measurer(model, simulator, runs.with_plan, runs.with_demand[l], lane);
    measurer.Measure(spec, nullptr, nullptr, &prior[l]);
    ASSERT_EQ(prior[l].kept.size(), 4u);
    if (prior[l].kept[1] != expected[l].kept[1]) ++differing_lanes;
    // The first week is served before the fork in both runs: the same bits.
    EXPECT_EQ(prior[l].kept[0], expected[l].kept[0]) << "lane " << lane;
  }
  // The derivation above: the booking changes the week before the fork in every lane.
  EXPECT_EQ(differing_lanes, kLanes);

  simulator.RunFromMeasured(forks[0], runs.without_plan, runs.without_batch, &totals);
  for (int lane = 0; lane < kLanes; ++lane) {
    const size_t l = static_cast<size_t>(lane);
    Measurer measurer(model, simulator, runs.without_plan, runs.without_demand[l], lane);
    WeekReuse reuse;
    reuse.prior = &prior[l];
    reuse.fork_step = static_cast<int64_t>(fork_day) * 24;
    WeekRecord forked;
    const Measurement measurement = measurer.Measure(spec, nullptr, nullptr, &forked, &reuse);
    ASSERT_EQ(forked.kept.size(), expected[l].kept.size());
    for (size_t week = 0; week < forked.kept.size(); ++week) {
      EXPECT_EQ(forked.covered[week], expected[l].covered[week])
          << "lane " << lane << " week " << week;
      EXPECT_EQ(forked.kept[week], expected[l].kept[week]) << "lane " << lane << " week " << week;
    }
    Measurer fresh(model, whole, runs.without_plan, runs.without_demand[l], lane);
    EXPECT_EQ(measurement.achieved, fresh.Measure(spec, nullptr).achieved) << "lane " << lane;
  }
}

}  // namespace
}  // namespace tandem::engine
