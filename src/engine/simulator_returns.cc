// The simulator's deliveries and returns: delivery times estimated per route and day from the
// queues' backlogs, returns scheduled at the day's end (docs/engine.md, Flow).
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>

namespace tandem::engine {

double Simulator::EstimateStart(const RunPlan& plan, int resource, int lane, double time) const {
  const TimeGrid& grid = model_.grid;
  const size_t r = static_cast<size_t>(resource);
  const double backlog = backlog_[r * kLanes + static_cast<size_t>(lane)];
  // The backlog drains at the average rate of the coming open days.
  const size_t day = static_cast<size_t>(
      std::clamp(static_cast<int>(time / grid.steps_per_day), 0, grid.total_days - 1));
  const double rate = plan.drain_rate[r][day];
  if (rate <= 0) return time + 7.0 * grid.steps_per_day;
  return std::max(time, static_cast<double>(plan.drain_day[r][day]) * grid.steps_per_day) +
         backlog / rate;
}

// Lane-wise the same arithmetic as EstimateStart, stage after stage.
LaneVec Simulator::EstimateRouteExit(const RunPlan& plan, int route, double time) const {
  const TimeGrid& grid = model_.grid;
  const int64_t last_step = grid.total_steps - 1;
  LaneVec at = Splat(time);
  for (int resource : routes_[static_cast<size_t>(route)]) {
    const size_t r = static_cast<size_t>(resource);
    const LaneVec backlog = LoadLanes(&backlog_[r * kLanes]);
    LaneVec start;
    for (int lane = 0; lane < kLanes; ++lane) {
      // The day (and so the drain rate) can differ per lane after the first stage.
      const size_t day = static_cast<size_t>(
          std::clamp(static_cast<int>(at[lane] / grid.steps_per_day), 0, grid.total_days - 1));
      const double rate = plan.drain_rate[r][day];
      start[lane] = rate <= 0 ? at[lane] + 7.0 * grid.steps_per_day
                              : std::max(at[lane], static_cast<double>(plan.drain_day[r][day]) *
                                                       grid.steps_per_day) +
                                    backlog[lane] / rate;
    }
    for (int lane = 0; lane < kLanes; ++lane) {
      const size_t step =
          static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(start[lane]), 0, last_step));
      at[lane] = start[lane] + model_.step_processing[step * num_resources_ + r];
    }
  }
  return at;
}

// Units entering their routes today will be delivered, and some returned: returns need the
// delivery time only to the day (they come back days later), so it is estimated now from
// each stage's backlog (virtual waiting time), instead of following every offering's units
// through every queue. Amounts, and the order day whose return rate applies, are exact.
void Simulator::RecordExits(const RunPlan& plan, const BatchDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const double middle = (static_cast<double>(day) + 0.5) * grid.steps_per_day;
  std::fill(route_exit_day_.begin(), route_exit_day_.end(), -1);  // backlogs change every day
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.may_return) continue;
    const size_t state = o * kLanes;
    LaneVec units{};
    if (offering.stocked) {
      units = LoadLanes(&entered_today_[state]);
      ZeroLanes(&entered_today_[state]);
    } else if (day < grid.horizon_days) {
      units = LoadLanes(&demand.counts[o][static_cast<size_t>(day) * kLanes]);
    }
    if (!AnyAbove(units, 0)) continue;
    const size_t route = static_cast<size_t>(route_of_[o]);
    if (route_exit_day_[route] != day) {
      route_exit_[route] = EstimateRouteExit(plan, static_cast<int>(route), middle);
      route_exit_day_[route] = day;
    }
    const LaneVec delivered = route_exit_[route] + offering.transit_steps;
    const auto positive = units > 0;
    AddLanes(&exit_items_[state], positive ? units : LaneVec{});
    AddLanes(&exit_when_[state], positive ? units * delivered : LaneVec{});
    exited_today_[o] = 1;
  }
}

// Returns of the day's deliveries: units leave in order (FIFO), so the order day of the n-th
// unit out is where cumulative orders reach n, and the return rate in force is that order
// day's. A day's returns arrive spread over a day around their mean delivery time plus lag.
void Simulator::FlushExits(const RunPlan& plan, int day) {
  const TimeGrid& grid = model_.grid;
  const double spd = static_cast<double>(grid.steps_per_day);
  const double next_day = static_cast<double>(day + 1) * spd;
  for (size_t o = 0; o < exited_today_.size(); ++o) {
    if (!exited_today_[o]) continue;
    exited_today_[o] = 0;
    const CompiledOffering& compiled = model_.offerings[o];
    const std::vector<double>& counts = demand_->counts[o];
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const size_t state = o * kLanes + lane;
      const double items = exit_items_[state];
      if (items <= 0) continue;
      const double delivered = exit_when_[state] / items;
      exit_items_[state] = 0;
      exit_when_[state] = 0;
      const double middle = exited_[state] + 0.5 * items;
      exited_[state] += items;
      int& order_day = exit_day_[state];
      while (ordered_through_[state] < middle && order_day + 1 < grid.horizon_days) {
        order_day += 1;
        ordered_through_[state] += counts[static_cast<size_t>(order_day) * kLanes + lane];
      }
      const size_t when = static_cast<size_t>(std::max(0, order_day));
      const double returned = static_cast<double>(plan.return_rate[o][when]) * items;
      if (returned <= 0) continue;
      const double from = std::max(delivered + compiled.return_lag_steps - 0.5 * spd, next_day);
      const double to = from + spd;
      if (!(from < static_cast<double>(grid.total_steps))) continue;  // after the simulation
      returned_[state] += returned;
      return_policy_cost_[static_cast<size_t>(model_.offering_component[o]) * kLanes + lane] +=
          returned * static_cast<double>(plan.return_cost_adjustment[o][when]);
      if (measuring_ && returns_slot_[o] >= 0) {
        const int64_t end = std::min<int64_t>(static_cast<int64_t>(to) + 1, grid.total_steps);
        returns_to_ = std::max(returns_to_, end);
        for (int64_t step = static_cast<int64_t>(from); step < end; ++step) {
          const double overlap = std::min(to, static_cast<double>(step + 1)) -
                                 std::max(from, static_cast<double>(step));
          if (overlap > 0) {
            return_arrivals_[(static_cast<size_t>(step) * returns_width_ +
                              static_cast<size_t>(returns_slot_[o])) *
                                 kLanes +
                             lane] += returned * overlap / spd;
          }
        }
      }
      if (compiled.returns_resource >= 0) {
        SpreadLane(arrival_ring_, num_resources_, static_cast<size_t>(compiled.returns_resource),
                   static_cast<int>(lane), from, to, returned);
        if (compiled.stocked) {
          // Back in stock from the day after the returns resource processes them.
          const double start = EstimateStart(plan, compiled.returns_resource,
                                             static_cast<int>(lane), 0.5 * (from + to));
          const size_t at = static_cast<size_t>(
              std::clamp<int64_t>(static_cast<int64_t>(start), 0, grid.total_steps - 1));
          // The resource's own processing times, contiguous by step (float to double: exact).
          const double done =
              start +
              static_cast<double>(model_.resources[static_cast<size_t>(compiled.returns_resource)]
                                      .processing_steps[at]);
          const int64_t back = std::max<int64_t>(static_cast<int64_t>(done / spd) + 1, day + 1);
          if (back < grid.total_days) {
            restock_ring_[(DayRingRow(back) * restock_width_ +
                           static_cast<size_t>(restock_slot_[o])) *
                              kLanes +
                          lane] += returned;
          }
        }
      } else if (compiled.stocked) {
        const int64_t back =
            std::max<int64_t>(static_cast<int64_t>((from + to) / 2 / spd) + 1, day + 1);
        if (back >= grid.total_days) continue;
        restock_ring_[(DayRingRow(back) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                          kLanes +
                      lane] += returned;
      }
    }
  }
}

}  // namespace tandem::engine
