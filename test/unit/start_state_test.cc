// Checks continued from a state (tandem/engine/start_state.h): the backlog of pending orders
// drains first come first served from the start, late pending units are the caller's, the
// first day's demand starts at the start, stock starts where the caller says, a lift belief
// replaces the scenario's lift, and settled units count. Every figure is derived by hand in
// the comment above its test.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scenario_files.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

Scenario Parse(const std::string& text) {
  return test_files::ParseText(text, "start.yaml");
}

CheckResult Check(const Scenario& scenario, const StartState& start) {
  CheckOptions options;
  options.scenarios = 4;
  options.threads = 1;
  options.start = &start;
  Result<CheckResult> result = RunCheck(scenario, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.value();
}

// A desk that starts 20 orders an hour, around the clock; no new demand.
const char* kDesk = R"(
tandem: 1
name: backlog
horizon: {start: 2027-03-01, end: 2027-03-07}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 20}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], baseline: {per_day: 0, noise: none}}
messaging:
  - {type: processing, within: 24h, share: 0.6}
)";

// Day 1 (Tue) had 10 orders in each hour, none processed; the start is Wed 06:00 (step 54).
// FIFO from step 54 at 20/h: the orders of hour k (24 <= k < 48) start during
// [54 + (k - 24) / 2, 54 + (k - 23) / 2], the unit at fraction f of the hour at 42 + (k + f) / 2,
// against its deadline k + f + 24: kept iff k + f >= 36.
// Pending units whose deadline (k + 24) is at or before 54 (k <= 30) are already late: the
// caller's, left out. The engine counts hours 31..47: 170 units, of which hours 36..47 are
// kept: 120 units. With settled units (100 kept of 100 on day 0; 70 late on day 1) the week's
// share is (100 + 120) / (100 + 70 + 170) = 220 / 340 = 0.64706 >= 0.6: kept.
TEST(StartStateTest, PendingOrdersDrainFirstComeFirstServed) {
  const Scenario scenario = Parse(kDesk);
  StartState start;
  start.start_minute = (24 + 30) * 60;
  for (int hour = 24; hour < 48; ++hour) start.pending_orders.push_back({0, hour * 60.0, 10.0});
  start.settled.push_back({-1, 0, 0, 100, 100});
  start.settled.push_back({-1, 0, 1, 70, 0});
  const CheckResult result = Check(scenario, start);
  ASSERT_EQ(result.messaging.size(), 1u);
  EXPECT_NEAR(result.messaging[0].achieved.p50, 220.0 / 340.0, 1e-6);
  EXPECT_NEAR(result.messaging[0].covered_units_p50, 340, 1e-6);
  EXPECT_EQ(result.messaging[0].status, PromiseStatus::kKept);
  EXPECT_DOUBLE_EQ(result.messaging[0].p_kept, 1.0);
}

// Without the settled units, 120 / 170 = 0.70588.
TEST(StartStateTest, OnlyUnitsTheEngineDecidesWithoutSettled) {
  const Scenario scenario = Parse(kDesk);
  StartState start;
  start.start_minute = (24 + 30) * 60;
  for (int hour = 24; hour < 48; ++hour) start.pending_orders.push_back({0, hour * 60.0, 10.0});
  const CheckResult result = Check(scenario, start);
  EXPECT_NEAR(result.messaging[0].achieved.p50, 120.0 / 170.0, 1e-6);
}

// A stocked offering, 24 a day (1 an hour), no supply. The start is Tue 12:00: on Tue only the
// 12 orders from 12:00 on are simulated, then 24 on Wed; the stock at the start is 5, so 5 of
// those 36 are served at once. Settled: Mon 24 of 24, Tue morning 12 of 12. Availability over
// the week (all three days are one ISO week): (24 + 12 + 5) / (24 + 12 + 36) = 41 / 72.
TEST(StartStateTest, FirstDayStartsAtTheStartAndStockIsTheCallers) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: stock
horizon: {start: 2027-03-01, end: 2027-03-03}
simulation: {scenarios: 4, seed: 1}
offerings:
  - {id: mulch, price: 10, stock: 1000, baseline: {per_day: 24, noise: none}}
messaging:
  - {type: availability, share: 0.5}
)");
  StartState start;
  start.start_minute = 36 * 60;
  start.stock = {5};
  start.settled.push_back({-1, 0, 0, 24, 24});
  start.settled.push_back({-1, 0, 1, 12, 12});
  const CheckResult result = Check(scenario, start);
  EXPECT_NEAR(result.messaging[0].covered_units_p50, 72, 1e-6);
  EXPECT_NEAR(result.messaging[0].achieved.p50, 41.0 / 72.0, 1e-6);
  EXPECT_EQ(result.messaging[0].status, PromiseStatus::kKept);
}

// The plan's lift is 0.3 (certain); the belief says 1 + lift = 2.5 for sure. Baseline 100 a day
// without noise; the window is the whole horizon and the start is Tue 00:00: Tue and Wed are
// simulated at 250 a day, and 100 units were settled on Mon: covered units 100 + 500 = 600.
TEST(StartStateTest, LiftBeliefReplacesTheScenariosLift) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: lift
horizon: {start: 2027-03-01, end: 2027-03-03}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 1000}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], baseline: {per_day: 100, noise: none}}
campaigns:
  - id: push
    window: {start: 2027-03-01, end: 2027-03-03}
    lift: 0.3
    promises:
      - {type: processing, within: 4h, share: 0.9}
)");
  StartState start;
  start.start_minute = 24 * 60;
  start.lift.push_back({0, std::log(2.5), 0.0});
  start.settled.push_back({0, 0, 0, 100, 100});
  const CheckResult result = Check(scenario, start);
  ASSERT_EQ(result.campaigns.size(), 1u);
  EXPECT_NEAR(result.campaigns[0].promises[0].covered_units_p50, 600, 1e-6);
  EXPECT_NEAR(result.campaigns[0].promises[0].achieved.p50, 1.0, 1e-9);
}

// Tickets waiting at a desk that answers 2 an hour: 10 tickets opened at Mon 20:00 and the start
// is Mon 22:00 (step 22). They are answered during [22, 27]; the promise is 4h from opening
// (deadline 24): the measurement spreads them over their hour [20, 21], the unit at fraction f
// answered at 22 + 5f against 24 + f: kept iff f <= 0.5: 5 of 10.
TEST(StartStateTest, PendingTicketsQueueAtTheirResource) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: tickets
horizon: {start: 2027-03-01, end: 2027-03-03}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: support, kind: throughput, capacity: 2}
offerings:
  - {id: form, price: 10, stocked: false, loads: [{resource: support, per_unit: 0.0001}],
     baseline: {per_day: 0, noise: none}}
messaging:
  - {type: response, resource: support, within: 4h, share: 0.5}
)");
  StartState start;
  start.start_minute = 22 * 60;
  start.pending_work.push_back({0, 20 * 60.0, 10.0, -1, 0});
  const CheckResult result = Check(scenario, start);
  EXPECT_NEAR(result.messaging[0].covered_units_p50, 10, 1e-6);
  EXPECT_NEAR(result.messaging[0].achieved.p50, 0.5, 1e-6);
}

TEST(StartStateTest, RejectsStatesThatDoNotFit) {
  const Scenario scenario = Parse(kDesk);
  StartState start;
  start.start_minute = 7 * 24 * 60;  // the end of the horizon
  CheckOptions options;
  options.start = &start;
  EXPECT_FALSE(RunCheck(scenario, options).ok());
  start.start_minute = 60;
  start.pending_orders.push_back({3, 0, 1});  // no such offering
  EXPECT_FALSE(RunCheck(scenario, options).ok());
  start.pending_orders = {{0, 61, 1}};  // placed after the start
  EXPECT_FALSE(RunCheck(scenario, options).ok());
  start.pending_orders = {{0, 0, 1}};
  options.mode = CheckMode::kOrders;
  EXPECT_FALSE(RunCheck(scenario, options).ok());
}

}  // namespace
}  // namespace tandem
