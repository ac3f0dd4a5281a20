// The state at as-of, for the engine's re-forecast (tandem/engine/start_state.h): the backlog,
// the work still to arrive, the stock the actuals leave, the lift beliefs and the units
// already decided (docs/follow-up.md, "Re-forecast").
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "followup/internal.h"

namespace tandem::followup {

double ReturnRateInForce(const Scenario& scenario, int offering, int day) {
  double rate = scenario.offerings[static_cast<size_t>(offering)].return_rate;
  for (const Campaign& campaign : scenario.campaigns) {
    const int from = campaign.window.start - scenario.horizon.start;
    const int to = campaign.window.end - scenario.horizon.start;
    if (day < from || day > to) continue;
    for (const Promise& promise : campaign.promises) {
      if (promise.type != PromiseType::kFreeReturns) continue;
      const std::vector<std::string>& ids =
          promise.offerings.empty() ? campaign.offerings : promise.offerings;
      if (std::find(ids.begin(), ids.end(), scenario.offerings[static_cast<size_t>(offering)].id) !=
          ids.end())
        rate = promise.return_rate;
    }
  }
  return rate;
}

namespace {

// Orders placed and not processed by as-of, aggregated by offering and minute of placement.
void PendingOrders(const Context& context, StartState* state) {
  std::map<std::pair<int, int64_t>, double> pending;
  for (const OrderRecord& order : context.actuals.orders) {
    if (order.placed > context.as_of || context.Happened(order.processed) != kNotYet) continue;
    if (context.scenario.offerings[static_cast<size_t>(order.offering)].route.empty()) continue;
    pending[{order.offering, (order.placed - context.horizon_start) / 60}] += order.units;
  }
  for (const auto& [key, units] : pending)
    state->pending_orders.push_back({key.first, static_cast<double>(key.second), units});
}

// Work that arrives at resources off the routes: tickets not answered by as-of, side loads of
// orders placed before as-of that arrive after it, and the expected returns of units delivered
// before as-of that come back after it.
void PendingWork(const Context& context, StartState* state) {
  const Scenario& scenario = context.scenario;
  std::map<std::tuple<int, int64_t, int, int>, double> work;  // resource, minute, offering, day
  auto add = [&](int resource, WallSeconds arrival, int offering, int day, double units) {
    if (units <= 0 || arrival >= context.horizon_end + 120LL * 86400) return;
    work[{resource, (arrival - context.horizon_start) / 60, offering, day}] += units;
  };
  for (const TicketRecord& ticket : context.actuals.tickets) {
    if (ticket.opened > context.as_of || context.Happened(ticket.answered) != kNotYet) continue;
    add(ticket.resource, ticket.opened, ticket.offering, context.DayOf(ticket.opened), 1.0);
  }
  for (const OrderRecord& order : context.actuals.orders) {
    if (order.placed > context.as_of) continue;
    const Offering& offering = scenario.offerings[static_cast<size_t>(order.offering)];
    const int day = context.DayOf(order.placed);
    for (const Load& load : offering.loads) {
      const WallSeconds arrival = order.placed + load.lag.minutes * 60;
      if (arrival > context.as_of)
        add(scenario.ResourceIndex(load.resource), arrival, order.offering, day,
            order.units * load.per_unit);
    }
    const WallSeconds delivered = context.Happened(order.delivered);
    if (offering.returns.empty() || delivered == kNotYet ||
        context.Happened(order.returned) != kNotYet)
      continue;
    const WallSeconds back = delivered + offering.return_lag.minutes * 60;
    if (back > context.as_of) {
      add(scenario.ResourceIndex(offering.returns), back, order.offering, day,
          order.units * ReturnRateInForce(scenario, order.offering, day));
    }
  }
  for (const auto& [key, units] : work) {
    const auto& [resource, minute, offering, day] = key;
    StartState::PendingWork entry;
    entry.resource = resource;
    entry.arrival_minute = static_cast<double>(minute);
    entry.units = units;
    entry.offering = offering;
    entry.day = std::clamp(day, 0, scenario.horizon.days() - 1);
    state->pending_work.push_back(entry);
  }
}

// Stock at as-of: the scenario's stock, plus the planned receipts before the engine's start
// step, less every unit ordered and plus every unit returned by then. Days before the first
// order in the actuals (an export that starts late) are taken at the plan's expected demand.
void Stock(const Context& context, StartState* state) {
  const Scenario& scenario = context.scenario;
  const PlanDemand& plan = context.plan;
  const int64_t step_seconds = plan.step_minutes * 60;
  const int64_t start_step =
      (context.as_of - context.horizon_start + step_seconds - 1) / step_seconds;
  const int start_day = static_cast<int>(start_step / plan.steps_per_day);
  const double start_day_share =
      static_cast<double>(start_step % plan.steps_per_day) / plan.steps_per_day;
  const double unknown_to_minute = context.orders_from
                                       ? context.MinutesSinceStart(*context.orders_from)
                                       : context.MinutesSinceStart(context.as_of);
  state->stock.assign(scenario.offerings.size(), 0.0);
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    if (!scenario.offerings[o].stocked) continue;
    double stock = scenario.offerings[o].stock;
    const std::vector<double>& receipts = plan.receipts[o];
    for (int day = 0; day < start_day && day < static_cast<int>(receipts.size()); ++day)
      stock += receipts[static_cast<size_t>(day)];
    if (start_day < static_cast<int>(receipts.size()))
      stock += receipts[static_cast<size_t>(start_day)] * start_day_share;
    // The plan's demand where the actuals do not reach back: baseline plus campaign lifts.
    for (int day = 0;
         day < plan.horizon_days && day * static_cast<double>(kMinutesPerDay) < unknown_to_minute;
         ++day) {
      double lift = 0;
      for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
        const Campaign& campaign = scenario.campaigns[k];
        const int from = campaign.window.start - scenario.horizon.start;
        if (day < from || day > campaign.window.end - scenario.horizon.start) continue;
        if (std::find(campaign.offerings.begin(), campaign.offerings.end(),
                      scenario.offerings[o].id) == campaign.offerings.end())
          continue;
        lift += campaign.lift.expected * plan.weight[k][static_cast<size_t>(day - from)];
      }
      const double share = std::min(1.0, unknown_to_minute / kMinutesPerDay - day);
      stock -= plan.baseline[o][static_cast<size_t>(day)] * (1 + lift) * share;
    }
    state->stock[o] = stock;
  }
  for (const OrderRecord& order : context.actuals.orders) {
    if (order.placed > context.as_of ||
        !scenario.offerings[static_cast<size_t>(order.offering)].stocked)
      continue;
    state->stock[static_cast<size_t>(order.offering)] -= order.units;
    if (context.Happened(order.returned) != kNotYet)
      state->stock[static_cast<size_t>(order.offering)] += order.returned_units;
  }
  for (double& units : state->stock) units = std::max(0.0, units);
}

}  // namespace

StartState BuildStartState(const Context& context, const std::vector<PromiseKey>& promises,
                           const std::vector<DemandFigures>& demand) {
  StartState state;
  state.start_minute = (context.as_of - context.horizon_start) / 60;
  PendingOrders(context, &state);
  PendingWork(context, &state);
  Stock(context, &state);
  for (size_t k = 0; k < demand.size(); ++k) {
    if (demand[k].informed)
      state.lift.push_back({static_cast<int>(k), demand[k].log_median, demand[k].sigma});
  }
  // Units already decided: due (kept or not), and deliveries in transit at their estimate.
  for (const PromiseKey& key : promises) {
    const PromiseActuals& actuals = *key.actuals;
    if (!actuals.measured) continue;
    for (size_t day = 0; day < actuals.due_by_day.size(); ++day) {
      const double units = actuals.due_by_day[day] + actuals.transit_by_day[day];
      if (units <= 0) continue;
      state.settled.push_back({key.campaign, key.index, static_cast<int>(day), units,
                               actuals.kept_by_day[day] + actuals.transit_kept_by_day[day]});
    }
  }
  return state;
}

}  // namespace tandem::followup
