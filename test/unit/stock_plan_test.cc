// Tests for the stock plan (tandem/engine/stock_plan.h). Every expected plan is worked out by
// hand in the comments (need_t backwards, then receipts forwards), or recomputed here by an
// independent closed form.
#include "tandem/engine/stock_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tandem {
namespace {

using Days = std::vector<double>;

void ExpectDays(const Days& actual, const Days& expected, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], 1e-9) << what << " day " << i;
}

StockPlanInput Input(Days demand, double initial, double supply, int first_receipt_day,
                     double safety_days) {
  StockPlanInput input;
  input.expected_demand = std::move(demand);
  input.initial_stock = initial;
  input.supply_per_day = supply;
  input.first_receipt_day = first_receipt_day;
  input.safety_days = safety_days;
  return input;
}

TEST(StockPlanTest, EmptyHorizon) {
  const StockPlan plan = PlanStock(Input({}, 10, 5, 0, 1));
  EXPECT_TRUE(plan.receipts.empty());
  EXPECT_TRUE(plan.end_stock.empty());
  EXPECT_TRUE(plan.shortfall.empty());
  EXPECT_EQ(plan.shortfall_units, 0);
  EXPECT_EQ(plan.first_shortfall_day, -1);
}

TEST(StockPlanTest, NoSupplyRunsOut) {
  // 100 on hand, 30 a day, nothing receivable: 70, 40, 10, then -20 (20 short on day 3) and
  // -50 (30 more short on day 4). 150 demanded - 100 on hand = 50 short.
  const StockPlan plan = PlanStock(Input({30, 30, 30, 30, 30}, 100, 0, 0, 0));
  ExpectDays(plan.receipts, {0, 0, 0, 0, 0}, "receipts");
  ExpectDays(plan.end_stock, {70, 40, 10, -20, -50}, "end_stock");
  ExpectDays(plan.shortfall, {0, 0, 0, 20, 30}, "shortfall");
  EXPECT_DOUBLE_EQ(plan.shortfall_units, 50);
  EXPECT_EQ(plan.first_shortfall_day, 3);
}

TEST(StockPlanTest, LeadTimeCausesAPlannedShortfall) {
  // 25 on hand, 10 a day, up to 20 a day from day 4. Days 0-3 draw 40 from 25: 15 short
  // (5 on day 2, 10 on day 3). Day 4 receives the full 20 (backlog 15 + 10 demand - 20 = 5
  // left), day 5 the remaining 5 + 10, then 10 a day.
  const StockPlan plan = PlanStock(Input({10, 10, 10, 10, 10, 10, 10, 10}, 25, 20, 4, 0));
  ExpectDays(plan.receipts, {0, 0, 0, 0, 20, 15, 10, 10}, "receipts");
  ExpectDays(plan.end_stock, {15, 5, -5, -15, -5, 0, 0, 0}, "end_stock");
  ExpectDays(plan.shortfall, {0, 0, 5, 10, 0, 0, 0, 0}, "shortfall");
  EXPECT_DOUBLE_EQ(plan.shortfall_units, 15);
  EXPECT_EQ(plan.first_shortfall_day, 2);
}

TEST(StockPlanTest, AmpleSupplyReceivesDemandOnceInitialStockIsUsed) {
  // 35 on hand, 10 a day: 25, 15, 5 with no receipts; day 3 receives only the missing 5; from
  // then on each day's receipts equal its demand, ending every day at 0 (no safety stock).
  const StockPlan plan = PlanStock(Input({10, 10, 10, 10, 10, 10, 10}, 35, 100, 0, 0));
  ExpectDays(plan.receipts, {0, 0, 0, 5, 10, 10, 10}, "receipts");
  ExpectDays(plan.end_stock, {25, 15, 5, 0, 0, 0, 0}, "end_stock");
  EXPECT_EQ(plan.first_shortfall_day, -1);
  EXPECT_EQ(plan.shortfall_units, 0);
}

TEST(StockPlanTest, SafetyStockOfTwoDays) {
  // 10 a day over 12 days, safety 2 days = 20 (10 on day 10, whose horizon has one day left,
  // 0 on the last day). Supply 15 a day ramps the stock up 5 a day: 5, 10, 15, 20; then
  // receipts equal demand and the end stock equals the safety stock; days 10 and 11 draw it
  // down with no receipts.
  const Days demand(12, 10.0);
  const StockPlan plan = PlanStock(Input(demand, 0, 15, 0, 2));
  ExpectDays(plan.receipts, {15, 15, 15, 15, 10, 10, 10, 10, 10, 10, 0, 0}, "receipts");
  ExpectDays(plan.end_stock, {5, 10, 15, 20, 20, 20, 20, 20, 20, 20, 10, 0}, "end_stock");
  EXPECT_EQ(plan.first_shortfall_day, -1);  // below the safety stock is not a shortfall
  EXPECT_EQ(plan.shortfall_units, 0);
}

TEST(StockPlanTest, FractionalSafetyDays) {
  // Safety 1.5 days of 10 a day = 10 + 0.5 * 10 = 15; ample supply builds it on day 0.
  const Days demand(12, 10.0);
  const StockPlan plan = PlanStock(Input(demand, 0, 50, 0, 1.5));
  ExpectDays(plan.receipts, {25, 10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 0}, "receipts");
  ExpectDays(plan.end_stock, {15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 10, 0}, "end_stock");
}

TEST(StockPlanTest, FractionalSafetyWeighsTheNextDaysDemand) {
  // Demand 5, 10, 20, 40, 80, 0, 0; safety 1.5: safety_t = d[t+1] + 0.5 d[t+2]
  //   = 10 + 10, 20 + 20, 40 + 40, 80 + 0, 0, 0, 0 = 20, 40, 80, 80, 0, 0, 0.
  // Ample supply meets it exactly: receipts = safety_t + d_t - safety_{t-1}.
  const StockPlan plan = PlanStock(Input({5, 10, 20, 40, 80, 0, 0}, 0, 1000, 0, 1.5));
  ExpectDays(plan.end_stock, {20, 40, 80, 80, 0, 0, 0}, "end_stock");
  ExpectDays(plan.receipts, {25, 30, 60, 40, 0, 0, 0}, "receipts");
}

TEST(StockPlanTest, SupplyBelowDemandGrowsTheBacklog) {
  // 10 a day against 6 a day: every day 4 more units short.
  const StockPlan plan = PlanStock(Input({10, 10, 10, 10, 10, 10}, 0, 6, 0, 0));
  ExpectDays(plan.receipts, {6, 6, 6, 6, 6, 6}, "receipts");
  ExpectDays(plan.end_stock, {-4, -8, -12, -16, -20, -24}, "end_stock");
  ExpectDays(plan.shortfall, {4, 4, 4, 4, 4, 4}, "shortfall");
  EXPECT_DOUBLE_EQ(plan.shortfall_units, 24);
  EXPECT_EQ(plan.first_shortfall_day, 0);
}

TEST(StockPlanTest, SpikeIsPrebuiltWithinSupply) {
  // 10 a day with 100 on day 10, supply 30 a day, nothing on hand. Backwards:
  // need_9 = 100 - 30 = 70, need_8 = 70 + 10 - 30 = 50, need_7 = 30, need_6 = 10, need_5 = 0.
  // Forwards: receipts 10 on days 0-5, then 20 (building 10), 30, 30, 30 (stock 30, 50, 70),
  // day 10 receives 30 and uses the 70: stock 0, then 10 a day again.
  Days demand(14, 10.0);
  demand[10] = 100;
  const StockPlan plan = PlanStock(Input(demand, 0, 30, 0, 0));
  ExpectDays(plan.receipts, {10, 10, 10, 10, 10, 10, 20, 30, 30, 30, 30, 10, 10, 10}, "receipts");
  ExpectDays(plan.end_stock, {0, 0, 0, 0, 0, 0, 10, 30, 50, 70, 0, 0, 0, 0}, "end_stock");
  EXPECT_EQ(plan.first_shortfall_day, -1);
}

TEST(StockPlanTest, SpikeBeyondWhatCanBePrebuilt) {
  // 10 a day with 200 on day 3, supply 30 a day from day 0, nothing on hand. Even full supply
  // from day 0 holds only 4 x 30 - 30 = 90 for the spike: 110 short on day 3. Afterwards the
  // 20 a day of spare supply clears the backlog: -90, -70, -50, -30, -10, 0.
  Days demand(11, 10.0);
  demand[3] = 200;
  const StockPlan plan = PlanStock(Input(demand, 0, 30, 0, 0));
  ExpectDays(plan.receipts, {30, 30, 30, 30, 30, 30, 30, 30, 30, 20, 10}, "receipts");
  ExpectDays(plan.end_stock, {20, 40, 60, -110, -90, -70, -50, -30, -10, 0, 0}, "end_stock");
  ExpectDays(plan.shortfall, {0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0}, "shortfall");
  EXPECT_DOUBLE_EQ(plan.shortfall_units, 110);
  EXPECT_EQ(plan.first_shortfall_day, 3);
}

TEST(StockPlanTest, ExistingBackordersAreNotAPlannedShortfall) {
  // 50 units already owed, 10 a day, supply 30: the backlog falls 50 -> 30 -> 10 -> 0.
  const StockPlan plan = PlanStock(Input({10, 10, 10, 10}, -50, 30, 0, 0));
  ExpectDays(plan.receipts, {30, 30, 20, 10}, "receipts");
  ExpectDays(plan.end_stock, {-30, -10, 0, 0}, "end_stock");
  EXPECT_EQ(plan.shortfall_units, 0);
  EXPECT_EQ(plan.first_shortfall_day, -1);
}

TEST(StockPlanTest, LargeFractionalQuantitiesLeaveNoRoundingShortfall) {
  // 399000000.25 on hand; demand 291000000.465 then 962000000.375; supply 2e9. Day 0 needs
  // nothing (stock 107999999.785); day 1 receives 962000000.375 - 107999999.785 = 854000000.59
  // and ends at 0. At this scale one ulp is ~6e-8, and adding receipts - demand to the stock
  // ended day 1 at -6e-8: a planned "shortfall" in a plan that has none.
  const StockPlan plan = PlanStock(Input({291000000.465, 962000000.375}, 399000000.25, 2e9, 0, 0));
  EXPECT_NEAR(plan.receipts[0], 0, 0);
  EXPECT_NEAR(plan.receipts[1], 854000000.59, 1e-6);
  EXPECT_NEAR(plan.end_stock[0], 107999999.785, 1e-6);
  EXPECT_EQ(plan.end_stock[1], 0.0);
  EXPECT_EQ(plan.first_shortfall_day, -1);
  EXPECT_EQ(plan.shortfall_units, 0);

  Days demand(60);
  for (size_t i = 0; i < demand.size(); ++i)
    demand[i] = 123456789.123 + 1000.37 * static_cast<double>(i % 7);
  const StockPlan longer = PlanStock(Input(demand, 98765432.1, 1e9, 0, 1.5));
  EXPECT_EQ(longer.first_shortfall_day, -1);
  EXPECT_EQ(longer.shortfall_units, 0);
  for (double stock : longer.end_stock) EXPECT_GE(stock, 0.0);
}

TEST(StockPlanTest, InvalidSupplyAndSafetyAreTreatedAsZero) {
  // A negative supply receives nothing (rather than clamping to an empty range), and a
  // negative safety_days adds no safety stock.
  const StockPlan plan = PlanStock(Input({10, 10}, 15, -5, 0, -0.5));
  ExpectDays(plan.receipts, {0, 0}, "receipts");
  ExpectDays(plan.end_stock, {5, -5}, "end_stock");
  EXPECT_DOUBLE_EQ(plan.shortfall_units, 5);
}

// Independent check of the whole plan on irregular inputs: the receipts are within supply,
// the stock balances, and the plan is as late as possible, i.e. each day's end stock is the
// least that still covers the future. In closed form (feasible case):
//   need_t = max over u >= t of ( safety_u + sum_{j=t+1..u} (demand_j - supply_j) ),
// and the end stock is max(need_t, what the stock would be with no receipts at all).
TEST(StockPlanTest, IrregularDemandMatchesClosedForm) {
  Days demand(40);
  for (size_t i = 0; i < demand.size(); ++i) {
    demand[i] = 20 + 15 * std::sin(0.7 * static_cast<double>(i)) + (i % 9 == 4 ? 60 : 0);
  }
  for (double safety_days : {0.0, 1.0, 2.5}) {
    for (int first_receipt_day : {0, 3}) {
      const double supply = 45;
      const double initial = 150;
      const StockPlan plan =
          PlanStock(Input(demand, initial, supply, first_receipt_day, safety_days));
      const size_t n = demand.size();
      auto supply_on = [&](size_t day) {
        return static_cast<int>(day) >= first_receipt_day ? supply : 0.0;
      };
      std::vector<double> safety(n, 0.0);
      for (size_t t = 0; t < n; ++t) {
        // Expected demand of the next safety_days days, the last one in part.
        double remaining = safety_days;
        for (size_t u = t + 1; u < n && remaining > 0; ++u) {
          safety[t] += std::min(1.0, remaining) * demand[u];
          remaining -= 1;
        }
      }
      double stock = initial;
      for (size_t t = 0; t < n; ++t) {
        double need = -1e300;
        double running = 0;
        for (size_t u = t; u < n; ++u) {
          if (u > t) running += demand[u] - supply_on(u);
          need = std::max(need, safety[u] + running);
        }
        EXPECT_GE(plan.receipts[t], -1e-9);
        EXPECT_LE(plan.receipts[t], supply_on(t) + 1e-9);
        EXPECT_NEAR(plan.end_stock[t], stock + plan.receipts[t] - demand[t], 1e-9);
        // As late as possible: receipts only when the stock would otherwise fall below need.
        const double without = stock - demand[t];
        const double expected = std::min(std::max(need, without), without + supply_on(t));
        EXPECT_NEAR(plan.end_stock[t], expected, 1e-9) << "safety " << safety_days << " day " << t;
        stock = plan.end_stock[t];
      }
      EXPECT_EQ(plan.first_shortfall_day, -1) << safety_days << " " << first_receipt_day;
    }
  }
}

}  // namespace
}  // namespace tandem
