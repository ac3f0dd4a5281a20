// The early warning (follow-up.md, "Status, re-forecast and early warning"): a campaign running
// at 2.5x baseline against a plan of 1.3x is flagged on day 2 of its window, before any of its
// orders is due; one running at plan is not. The actuals are built in memory (as a server would
// hold them), one order every few minutes, processed first come first served at the desk's
// capacity, so every figure below follows by hand.
//
// Scenario: baseline 960 a day (40 an hour, flat), pick-pack 60 an hour around the clock,
// transit 48h; campaign `spring` from Mon 8 to Sun 21 Mar with lift 0.3 (0.1 .. 0.6) promising
// delivery within 96h for 95% of orders. As of Tue 9 Mar 12:00 (day 2, 36 hours in):
//  * baseline over the 36 hours 1,440 units, plan 1,440 x 1.3 = 1,872;
//  * no window order is due: the first was placed Mon 00:00, is delivered 48h after processing
//    (Wed 00:10 at the earliest) and its deadline is Fri 00:00.
// Drifting: 100 an hour in the window (2.5x). Units 3,600, bias 3,600 / 1,872 - 1 = 0.923077,
// observed lift 3,600 / 1,440 - 1 = 1.5. The desk falls behind by 40 an hour: 1,440 units queue
// at as-of. With the lift re-estimated near 1.5 (36 hours of 100 an hour against a prior of 0.3
// with sigma 0.114: the data weigh 98%), the queue grows by about 39 an hour; an order waits
// backlog / 60 hours, and misses 96h (48h of it transit) once the backlog passes 2,880, about 37
// hours after as-of: the orders of the window's last ~263 of 336 hours are late, the promise
// ends near 22% against 95%: broken in every re-forecast (p_kept 0), where the plan kept it.
// At plan: 52 an hour; units 1,872, bias 0, observed lift 0.3; no queue (52 < 60), every order
// delivered 48h after it is placed plus minutes: kept in every re-forecast; no alert.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scenario_files.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

const char* kLaunch = R"(
tandem: 1
name: launch
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 200, seed: 7}
resources:
  - {id: pick-pack, kind: throughput, capacity: 60, expansion: {extra: 40, cost_per_unit: 3, lead_time: 2d}}
offerings:
  - {id: kit, price: 40, unit_cost: 20, stocked: false, route: [pick-pack], transit: 48h,
     baseline: {per_day: 960}}
campaigns:
  - id: spring
    window: {start: 2027-03-08, end: 2027-03-21}
    lift: {expected: 0.3, low: 0.1, high: 0.6}
    promises:
      - {type: delivery, within: 96h, share: 0.95}
)";

Scenario Parse() {
  return test_files::ParseText(kLaunch, "launch.yaml");
}

WallSeconds At(int day_of_march, int hour, int minute = 0) {
  return WallSecondsOf(Date::FromCivil(2027, 3, day_of_march), hour * 60 + minute);
}

// Orders of `units` every `minutes`, 40 an hour before the window and `window_per_hour` in it,
// processed first come first served at 60 an hour, delivered 48h later; the whole month, so
// that as-of alone decides what is known.
Actuals Generate(int window_per_hour) {
  Actuals actuals;
  actuals.has_orders = true;
  const WallSeconds window_from = At(8, 0);
  const WallSeconds window_to = At(22, 0);
  WallSeconds free_at = 0;
  int count = 0;
  for (WallSeconds time = At(1, 0); time < At(31, 0);) {
    const bool in_window = time >= window_from && time < window_to;
    const int per_hour = in_window ? window_per_hour : 40;
    // Orders of 10 units (13 at 52 an hour: every 15 minutes).
    const double units = per_hour == 52 ? 13 : 10;
    const WallSeconds every = static_cast<WallSeconds>(std::llround(3600.0 * units / per_hour));
    OrderRecord order;
    const std::string id = "o" + std::to_string(++count);
    order.id = {actuals.order_ids.size(), static_cast<uint32_t>(id.size())};
    actuals.order_ids += id;
    order.offering = 0;
    order.units = units;
    order.placed = time;
    const WallSeconds start = std::max(time, free_at);
    free_at = start + static_cast<WallSeconds>(std::llround(units * 60.0));  // 60 an hour
    order.processed = free_at;
    order.delivered = free_at + 48 * 3600;
    actuals.orders.push_back(order);
    time += every;
  }
  return actuals;
}

FollowUpResult Follow(const Scenario& scenario, const Actuals& actuals, WallSeconds as_of) {
  FollowUpOptions options;
  options.as_of = as_of;
  options.threads = 2;
  Result<FollowUpResult> result = RunFollowUp(scenario, actuals, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.value();
}

TEST(FollowUpDriftTest, DemandAtTwoAndAHalfTimesBaselineIsFlaggedOnDayTwo) {
  const Scenario scenario = Parse();
  const Actuals actuals = Generate(100);
  const FollowUpResult result = Follow(scenario, actuals, At(9, 12));
  ASSERT_EQ(result.campaigns.size(), 1u);
  const CampaignFollowUp& campaign = result.campaigns[0];
  EXPECT_EQ(campaign.phase, CampaignPhase::kLive);
  EXPECT_NEAR(campaign.demand.units, 3600, 1e-9);
  EXPECT_NEAR(campaign.demand.baseline, 1440, 1e-6);
  EXPECT_NEAR(campaign.demand.expected, 1872, 1e-6);
  EXPECT_NEAR(*campaign.demand.bias, 3600.0 / 1872.0 - 1, 1e-9);
  EXPECT_NEAR(*campaign.demand.lift.observed, 1.5, 1e-9);
  const PromiseFollowUp& promise = campaign.promises[0];
  EXPECT_EQ(promise.due_units, 0);  // nothing is due yet
  EXPECT_FALSE(promise.observed_share.has_value());
  EXPECT_EQ(promise.signed_off, PromiseStatus::kKept);  // the plan's own check
  EXPECT_EQ(promise.status, PromiseStatus::kBroken);
  EXPECT_LT(*promise.p_kept, 0.05);
  EXPECT_TRUE(promise.drifting);
  ASSERT_EQ(result.alerts.size(), 1u);
  EXPECT_EQ(result.alerts[0].kind, "promise-drifting");
  EXPECT_EQ(result.alerts[0].campaign, "spring");
  EXPECT_EQ(result.alerts[0].promise, 0);
  EXPECT_NE(result.alerts[0].message.find("2.5x baseline against a plan of 1.3x"),
            std::string::npos)
      << result.alerts[0].message;
  EXPECT_NE(result.alerts[0].message.find("backlog on pick-pack"), std::string::npos);
  EXPECT_NE(result.alerts[0].message.find("cap the rest"), std::string::npos);
  EXPECT_NE(result.alerts[0].message.find("book extra capacity on pick-pack"), std::string::npos);
  EXPECT_EQ(FollowUpExitCode(result), 2);
}

TEST(FollowUpDriftTest, DemandAtPlanIsNotFlagged) {
  const Scenario scenario = Parse();
  const Actuals actuals = Generate(52);
  const FollowUpResult result = Follow(scenario, actuals, At(9, 12));
  const CampaignFollowUp& campaign = result.campaigns[0];
  EXPECT_NEAR(campaign.demand.units, 1872, 1e-9);
  EXPECT_NEAR(*campaign.demand.bias, 0, 1e-9);
  EXPECT_NEAR(*campaign.demand.lift.observed, 0.3, 1e-9);
  EXPECT_EQ(campaign.promises[0].status, PromiseStatus::kKept);
  EXPECT_FALSE(campaign.promises[0].drifting);
  EXPECT_TRUE(result.alerts.empty());
  EXPECT_EQ(FollowUpExitCode(result), 0);
}

// The re-estimated lift narrows as days pass (docs/follow-up.md): at plan, the band of the lift
// for the rest of the window after half a day, 1.5 days and 3.5 days.
TEST(FollowUpDriftTest, TheLiftBeliefNarrowsAsDaysPass) {
  const Scenario scenario = Parse();
  const Actuals actuals = Generate(52);
  double last_width = 1e9;
  for (int day : {8, 9, 11}) {
    const FollowUpResult result = Follow(scenario, actuals, At(day, 12));
    const LiftFigures& lift = result.campaigns[0].demand.lift;
    const double width = lift.posterior_high - lift.posterior_low;
    EXPECT_LT(width, last_width) << "as of " << day << " Mar 12:00";
    EXPECT_NEAR(lift.posterior_median, 0.3, 0.01);
    last_width = width;
  }
  // Before the window the belief is the plan's log-normal: median 1.3, sigma (ln 1.6 - ln 1.1) /
  // 3.29, so its 5th and 95th percentiles are 1.3 sqrt(1.1 / 1.6) and 1.3 sqrt(1.6 / 1.1).
  const FollowUpResult before = Follow(scenario, actuals, At(5, 12));
  EXPECT_NEAR(before.campaigns[0].demand.lift.posterior_low, 1.3 * std::sqrt(1.1 / 1.6) - 1, 1e-6);
  EXPECT_NEAR(before.campaigns[0].demand.lift.posterior_high, 1.3 * std::sqrt(1.6 / 1.1) - 1, 1e-6);
  EXPECT_EQ(before.campaigns[0].phase, CampaignPhase::kPlanned);
}

}  // namespace
}  // namespace tandem
