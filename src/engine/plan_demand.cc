#include "tandem/engine/plan_demand.h"

#include <algorithm>
#include <cmath>

#include "engine/compiled_model.h"
#include "engine/simulator.h"

namespace tandem {

PlanDemand ExpectedPlanDemand(const Scenario& scenario) {
  const engine::CompiledModel model = engine::Compile(scenario, CheckOptions{});
  const engine::TimeGrid& grid = model.grid;
  PlanDemand plan;
  plan.start = grid.start;
  plan.horizon_days = grid.horizon_days;
  plan.steps_per_day = grid.steps_per_day;
  plan.step_minutes = grid.step_minutes;
  const engine::RunPlan run =
      engine::MakeRunPlan(model, std::vector<char>(model.campaigns.size(), 1));
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    const engine::CompiledOffering& offering = model.offerings[o];
    plan.baseline.emplace_back(offering.expected_per_day.begin(),
                               offering.expected_per_day.begin() + grid.horizon_days);
    plan.intraday.push_back(model.shapes[static_cast<size_t>(offering.shape)]);
    plan.receipts.push_back(run.receipts[o]);
    // The same tables as the check's economics (cost in force at the start of each day).
    std::vector<double> route(static_cast<size_t>(grid.horizon_days), 0.0);
    std::vector<double> returns(static_cast<size_t>(grid.horizon_days), 0.0);
    for (int day = 0; day < grid.horizon_days; ++day) {
      const size_t step = static_cast<size_t>(day) * static_cast<size_t>(grid.steps_per_day);
      for (const engine::RouteStage& stage : offering.route) {
        route[static_cast<size_t>(day)] +=
            stage.per_unit *
            model.resources[static_cast<size_t>(stage.resource)].cost_per_unit[step];
      }
      if (offering.returns_resource >= 0) {
        returns[static_cast<size_t>(day)] =
            model.resources[static_cast<size_t>(offering.returns_resource)].cost_per_unit[step];
      }
    }
    plan.route_cost.push_back(std::move(route));
    plan.return_cost.push_back(std::move(returns));
  }
  for (const engine::CompiledCampaign& campaign : model.campaigns)
    plan.weight.push_back(campaign.weight_by_day);
  return plan;
}

double PlanDemand::DayShare(int offering, double from_minute_of_day,
                            double to_minute_of_day) const {
  const std::vector<double>& shape = intraday[static_cast<size_t>(offering)];
  const double step = static_cast<double>(step_minutes);
  double share = 0;
  for (int s = 0; s < steps_per_day; ++s) {
    const double overlap =
        std::min(to_minute_of_day, (s + 1) * step) - std::max(from_minute_of_day, s * step);
    if (overlap > 0) share += shape[static_cast<size_t>(s)] * overlap / step;
  }
  return share;
}

double PlanDemand::BaselineBetween(int offering, double from_minute, double to_minute) const {
  const double day_minutes = kMinutesPerDay;
  from_minute = std::max(from_minute, 0.0);
  to_minute = std::min(to_minute, horizon_days * day_minutes);
  double units = 0;
  for (int day = static_cast<int>(std::floor(from_minute / day_minutes));
       day < horizon_days && day * day_minutes < to_minute; ++day) {
    const double begin = std::max(from_minute - day * day_minutes, 0.0);
    const double end = std::min(to_minute - day * day_minutes, day_minutes);
    if (end <= begin) continue;
    const double expected = baseline[static_cast<size_t>(offering)][static_cast<size_t>(day)];
    units += expected * (begin <= 0 && end >= day_minutes ? 1.0 : DayShare(offering, begin, end));
  }
  return units;
}

}  // namespace tandem
