// The plan as the check simulates it, in figures a caller can compare actuals with: the
// baseline's expected demand per offering and day (weekly pattern, history forecast), its
// intraday shape, each campaign's profile weights, the stock plan's receipts and the cost of
// each unit's route and return. Follow-up reads these instead of re-deriving them (one
// definition of the plan: the engine's).
//
// In the check, demand during a window is baseline x (1 + sum of the lifts of the campaigns in
// force x their profile weight that day) (docs/engine.md, "Demand"). Plain values;
// thread-compatible.
#ifndef TANDEM_ENGINE_PLAN_DEMAND_H_
#define TANDEM_ENGINE_PLAN_DEMAND_H_

#include <cstdint>
#include <vector>

#include "tandem/common/date.h"
#include "tandem/model/scenario.h"

namespace tandem {

struct PlanDemand {
  Date start;  // horizon.start
  int horizon_days = 0;
  int steps_per_day = 24;
  int64_t step_minutes = 60;
  std::vector<std::vector<double>> baseline;  // [offering][horizon day]: expected units
  std::vector<std::vector<double>> intraday;  // [offering][step of day]: share of the day, sum 1
  std::vector<std::vector<double>> weight;    // [campaign][window day]: profile weight, mean 1
  // [offering][day from horizon.start, tail included]: the stock plan's receipts with every
  // campaign in place (empty for unstocked offerings).
  std::vector<std::vector<double>> receipts;
  // [offering][horizon day]: money per unit for its route (cost_per_unit x per_unit of each
  // stage in force that day), and per return at its returns resource (0 without one).
  std::vector<std::vector<double>> route_cost;
  std::vector<std::vector<double>> return_cost;

  // Expected baseline units of `offering` placed in [from_minute, to_minute), minutes since
  // 00:00 of `start` (clipped to the horizon), by day and intraday shape.
  double BaselineBetween(int offering, double from_minute, double to_minute) const;
  // The share of horizon day `day`'s expected demand of `offering` in [from, to) minutes of it.
  double DayShare(int offering, double from_minute_of_day, double to_minute_of_day) const;
};

// REQUIRES: the scenario validated (ReadScenarioFile guarantees it).
PlanDemand ExpectedPlanDemand(const Scenario& scenario);

}  // namespace tandem

#endif  // TANDEM_ENGINE_PLAN_DEMAND_H_
