#include "tandem/engine/stock_plan.h"

#include <algorithm>
#include <cmath>

namespace tandem {

StockPlan PlanStock(const StockPlanInput& input) {
  const int days = static_cast<int>(input.expected_demand.size());
  StockPlan plan;
  plan.receipts.assign(static_cast<size_t>(days), 0.0);
  plan.end_stock.assign(static_cast<size_t>(days), 0.0);
  plan.shortfall.assign(static_cast<size_t>(days), 0.0);
  if (days == 0) return plan;
  const std::vector<double>& demand = input.expected_demand;
  const double supply_per_day = std::max(0.0, input.supply_per_day);
  auto supply = [&](int day) { return day >= input.first_receipt_day ? supply_per_day : 0.0; };

  // Safety stock at the end of each day: expected demand of the following safety_days.
  std::vector<double> safety(static_cast<size_t>(days), 0.0);
  const double safety_days = std::max(0.0, input.safety_days);
  const int whole = static_cast<int>(std::floor(safety_days));
  const double part = safety_days - whole;
  for (int day = 0; day < days; ++day) {
    double sum = 0;
    for (int ahead = 1; ahead <= whole && day + ahead < days; ++ahead) {
      const int later = day + ahead;
      sum += demand[static_cast<size_t>(later)];
    }
    const int last = day + whole + 1;  // the day of the fractional part
    if (part > 0 && last < days) sum += part * demand[static_cast<size_t>(last)];
    safety[static_cast<size_t>(day)] = sum;
  }

  // Backwards: the least end-of-day stock from which the future can still be covered.
  std::vector<double> need(static_cast<size_t>(days), 0.0);
  need[static_cast<size_t>(days - 1)] = safety[static_cast<size_t>(days - 1)];
  for (int day = days - 2; day >= 0; --day) {
    const size_t d = static_cast<size_t>(day);
    need[d] = std::max(safety[d], need[d + 1] + demand[d + 1] - supply(day + 1));
  }

  // Forwards: receipts as late as possible. When the receipts are not at a bound the day ends
  // exactly at its need: setting it (rather than adding receipts - demand to the stock) keeps
  // rounding out of the plan, which at a billion units would otherwise leave a few 1e-8 units
  // of backlog and report a planned shortfall in a feasible plan.
  double stock = input.initial_stock;
  double previous_backlog = std::max(0.0, -stock);
  for (int day = 0; day < days; ++day) {
    const size_t d = static_cast<size_t>(day);
    const double cap = supply(day);
    const double wanted = need[d] + demand[d] - stock;
    double receipts = 0;
    if (wanted <= 0) {
      stock -= demand[d];
    } else if (wanted >= cap) {
      receipts = cap;
      stock += cap - demand[d];
    } else {
      receipts = wanted;
      stock = need[d];
    }
    plan.receipts[d] = receipts;
    plan.end_stock[d] = stock;
    const double backlog = std::max(0.0, -stock);
    // Backlog growth below rounding of the day's quantities is not a shortfall.
    const double tolerance = 1e-12 * (1.0 + std::fabs(stock) + demand[d] + receipts);
    if (backlog > previous_backlog + std::max(1e-9, tolerance)) {
      plan.shortfall[d] = backlog - previous_backlog;
      plan.shortfall_units += backlog - previous_backlog;
      if (plan.first_shortfall_day < 0) plan.first_shortfall_day = day;
    }
    previous_backlog = backlog;
  }
  return plan;
}

}  // namespace tandem
