// Stock planning: receipts per day, planned before any scenario is drawn.
//
// From expected daily demand, backwards: the stock needed at the end of day t is
//   need_t = max(safety_t, need_{t+1} + demand_{t+1} - supply_{t+1}),
// with supply_t = per_day from the first receipt day on (0 before), and safety_t the expected
// demand of the `safety_days` days after t (fractional days count in part). Forwards, receipts
// are as late as possible: receipts_t = clamp(need_t + demand_t - stock_{t-1}, 0, supply_t).
// Where even full supply leaves stock below zero the plan carries a planned shortfall
// (backorders the plan itself expects). A day's receipts and demand net out. A day whose
// receipts are not at a bound ends exactly at need_t (no rounding drift), and backlog growth
// below 1e-9 units or 1e-12 of the day's quantities is not counted as a shortfall. A negative
// supply_per_day or safety_days counts as zero.
// Pure function; thread-safe.
#ifndef TANDEM_ENGINE_STOCK_PLAN_H_
#define TANDEM_ENGINE_STOCK_PLAN_H_

#include <vector>

namespace tandem {

struct StockPlanInput {
  std::vector<double> expected_demand;  // units per day, day 0 = horizon start
  double initial_stock = 0;             // units on hand at the start of day 0
  double supply_per_day = 0;            // most units receivable per day
  int first_receipt_day = 0;            // no receipts before this day
  double safety_days = 0;
};

struct StockPlan {
  std::vector<double> receipts;   // units received per day
  std::vector<double> end_stock;  // planned end-of-day stock (negative = planned backorders)
  std::vector<double> shortfall;  // per day: units the plan cannot serve on their day
  double shortfall_units = 0;     // their sum
  int first_shortfall_day = -1;   // -1 when none
};

StockPlan PlanStock(const StockPlanInput& input);

}  // namespace tandem

#endif  // TANDEM_ENGINE_STOCK_PLAN_H_
