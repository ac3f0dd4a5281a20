// Run plans: what a run with a given set of campaigns does not draw (simulator.h).
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tandem::engine {

// ---------------------------------------------------------------------------------------------
// Run plans

namespace {

// Capacities with the run's bookings, their sums, and where a backlog drains.
void PlanCapacity(const CompiledModel& model, const std::vector<char>& included, RunPlan* out) {
  RunPlan& plan = *out;
  const TimeGrid& grid = model.grid;
  const size_t total_steps = static_cast<size_t>(grid.total_steps);
  const size_t total_days = static_cast<size_t>(grid.total_days);
  plan.capacity.resize(model.resources.size());
  plan.owned_capacity.resize(model.resources.size());
  plan.day_capacity.resize(model.resources.size());
  for (size_t r = 0; r < model.resources.size(); ++r) {
    const ThroughputResource& resource = model.resources[r];
    bool booked = false;
    for (size_t k = 0; k < model.campaigns.size(); ++k)
      booked = booked || (included[k] && !resource.booked_extra[k].empty());
    if (booked) {
      std::vector<double> capacity = resource.base_capacity;
      for (size_t k = 0; k < model.campaigns.size(); ++k) {
        if (!included[k] || resource.booked_extra[k].empty()) continue;
        for (size_t t = 0; t < total_steps; ++t) capacity[t] += resource.booked_extra[k][t];
      }
      plan.owned_capacity[r] = std::move(capacity);
      plan.capacity[r] = plan.owned_capacity[r].data();
    } else {
      plan.capacity[r] = resource.base_capacity.data();
    }
    plan.day_capacity[r].assign(total_days, 0.0);
    const size_t width = model.resources.size();
    if (plan.step_capacity.empty()) {
      plan.step_capacity.assign(total_steps * width, 0.0);
      plan.step_cum_capacity.assign((total_steps + 1) * width, 0.0);
    }
    plan.cum_capacity.resize(width);
    plan.cum_capacity[r].assign(total_steps + 1, 0.0);
    for (size_t t = 0; t < total_steps; ++t) {
      plan.step_capacity[t * width + r] = plan.capacity[r][t];
      plan.step_cum_capacity[(t + 1) * width + r] =
          plan.step_cum_capacity[t * width + r] + plan.capacity[r][t];
      plan.cum_capacity[r][t + 1] = plan.cum_capacity[r][t] + plan.capacity[r][t];
    }
    for (size_t t = 0; t < total_steps; ++t) {
      plan.day_capacity[r][t / static_cast<size_t>(grid.steps_per_day)] += plan.capacity[r][t];
    }
    // Where a backlog found on each day drains (Simulator::EstimateStart): the first day with
    // capacity within a week, at that day's average rate per step.
    plan.drain_day.resize(model.resources.size());
    plan.drain_rate.resize(model.resources.size());
    plan.drain_day[r].resize(total_days);
    plan.drain_rate[r].resize(total_days);
    for (int day = 0; day < grid.total_days; ++day) {
      const int last = std::min(grid.total_days - 1, day + 7);
      int open = day;
      while (open < last && plan.day_capacity[r][static_cast<size_t>(open)] <= 0) ++open;
      plan.drain_day[r][static_cast<size_t>(day)] = open;
      plan.drain_rate[r][static_cast<size_t>(day)] =
          plan.day_capacity[r][static_cast<size_t>(open)] / grid.steps_per_day;
    }
  }
}

}  // namespace

RunPlan MakeRunPlan(const CompiledModel& model, const std::vector<char>& included) {
  const TimeGrid& grid = model.grid;
  const size_t total_days = static_cast<size_t>(grid.total_days);
  RunPlan plan;
  plan.included = included;
  PlanCapacity(model, included, &plan);

  // Expected demand with the run's campaigns at their mean lift, through the same cap logic as
  // the draws; the tail continues the baseline for safety stock and backorder catch-up.
  std::vector<std::vector<double>> base(model.offerings.size());
  for (size_t o = 0; o < model.offerings.size(); ++o) base[o] = model.offerings[o].expected_per_day;
  std::vector<std::vector<std::vector<double>>> increment(model.campaigns.size());
  for (size_t k = 0; k < model.campaigns.size(); ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    increment[k].resize(campaign.offerings.size());
    for (size_t i = 0; i < campaign.offerings.size(); ++i) {
      const CompiledOffering& offering =
          model.offerings[static_cast<size_t>(campaign.offerings[i])];
      for (size_t day = 0; day < campaign.weight_by_day.size(); ++day) {
        increment[k][i].push_back(
            offering.expected_per_day[static_cast<size_t>(campaign.first_day) + day] *
            campaign.lift_mean * campaign.weight_by_day[day]);
      }
    }
  }
  RunDemand expected;
  BuildRunDemand(model, included, base, increment, &expected);
  plan.expected_counts.resize(model.offerings.size());
  plan.receipts.resize(model.offerings.size());
  plan.stock_plans.resize(model.offerings.size());
  plan.return_rate.resize(model.offerings.size());
  plan.return_cost_adjustment.resize(model.offerings.size());
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    const CompiledOffering& offering = model.offerings[o];
    std::vector<double>& counts = plan.expected_counts[o];
    counts = expected.counts[o];
    counts.insert(counts.end(), offering.expected_per_day.begin() + grid.horizon_days,
                  offering.expected_per_day.end());
    if (offering.stocked) {
      StockPlanInput input;
      input.expected_demand = counts;
      input.initial_stock = offering.initial_stock;
      input.supply_per_day = offering.supply_per_day;
      input.first_receipt_day = offering.first_receipt_day;
      input.safety_days = offering.safety_days;
      plan.stock_plans[o] = PlanStock(input);
      plan.receipts[o] = plan.stock_plans[o].receipts;
      if (model.continued.active) {
        // A continued run's stock at its start already holds the receipts before it.
        std::vector<double>& receipts = plan.receipts[o];
        const int day = model.continued.day;
        for (int d = 0; d < day && d < static_cast<int>(receipts.size()); ++d)
          receipts[static_cast<size_t>(d)] = 0;
        if (day < static_cast<int>(receipts.size())) {
          receipts[static_cast<size_t>(day)] *=
              static_cast<double>(grid.steps_per_day - model.continued.step % grid.steps_per_day) /
              grid.steps_per_day;
        }
      }
    }
    if (offering.may_return) {
      std::vector<float>& rate = plan.return_rate[o];
      std::vector<float>& adjustment = plan.return_cost_adjustment[o];
      rate.assign(total_days, static_cast<float>(offering.base_return_rate));
      adjustment.assign(total_days, 0.0f);
      for (size_t k = 0; k < model.campaigns.size(); ++k) {
        if (!included[k]) continue;
        const CompiledCampaign& campaign = model.campaigns[k];
        for (const CompiledCampaign::FreeReturns& policy : campaign.free_returns) {
          if (policy.offering != static_cast<int>(o)) continue;
          for (int day = campaign.first_day; day <= campaign.last_day; ++day) {
            rate[static_cast<size_t>(day)] = static_cast<float>(policy.rate);
            if (policy.cost >= 0) {
              double own = 0;
              if (offering.returns_resource >= 0) {
                own = model.resources[static_cast<size_t>(offering.returns_resource)]
                          .cost_per_unit[static_cast<size_t>(day) *
                                         static_cast<size_t>(grid.steps_per_day)];
              }
              adjustment[static_cast<size_t>(day)] = static_cast<float>(policy.cost - own);
            }
          }
        }
      }
    }
  }
  return plan;
}

}  // namespace tandem::engine
