// The shared metrics of a campaign, actual beside the plan (follow-up.md, "What is measured";
// methods in docs/follow-up.md, "Shared metrics"). Actual figures cover the elapsed part of the
// window; the plan's figures come from its check, scaled by the share of the window's expected
// units that has elapsed.
#include <algorithm>
#include <cmath>
#include <optional>

#include "followup/internal.h"

namespace tandem::followup {
namespace {

Metric Make(const char* name, const char* unit) {
  Metric metric;
  metric.name = name;
  metric.unit = unit;
  return metric;
}

void Band(const Percentiles& value, double scale, Metric* metric) {
  metric->p50 = value.p50 * scale;
  metric->p5 = value.p5 * scale;
  metric->p95 = value.p95 * scale;
}

// The largest discount of the campaigns covering `offering` on horizon day `day`.
double DiscountInForce(const Scenario& scenario, int offering, int day) {
  double discount = 0;
  for (const Campaign& campaign : scenario.campaigns) {
    if (day < campaign.window.start - scenario.horizon.start ||
        day > campaign.window.end - scenario.horizon.start)
      continue;
    if (std::find(campaign.offerings.begin(), campaign.offerings.end(),
                  scenario.offerings[static_cast<size_t>(offering)].id) != campaign.offerings.end())
      discount = std::max(discount, campaign.discount);
  }
  return discount;
}

// Money per unit sold for the work it causes off its route (side loads, at their cost).
double SideLoadCost(const Scenario& scenario, const Offering& offering) {
  double cost = 0;
  for (const Load& load : offering.loads)
    cost += load.per_unit * scenario.FindResource(load.resource)->cost_per_unit;
  return cost;
}

// What the campaign's own orders brought, over the elapsed window.
struct Earned {
  double revenue = 0;
  // revenue - refunds - cost of goods - route, side-load and return costs; units not yet past
  // their return lag counted at the return rate in force
  double contribution = 0;
  double matured = 0;   // units delivered at least return_lag before as-of
  double returned = 0;  // of those
};

Earned EarnedByOrders(const Context& context, const std::vector<char>& covers, WallSeconds from,
                      WallSeconds to) {
  const Scenario& scenario = context.scenario;
  Earned out;
  for (const OrderRecord& order : context.actuals.orders) {
    if (!covers[static_cast<size_t>(order.offering)] || order.placed < from || order.placed >= to)
      continue;
    const Offering& offering = scenario.offerings[static_cast<size_t>(order.offering)];
    const size_t day = static_cast<size_t>(context.DayOf(order.placed));
    const double price = order.price >= 0
                             ? order.price
                             : offering.price * (1 - DiscountInForce(scenario, order.offering,
                                                                     static_cast<int>(day)));
    const double route = context.plan.route_cost[static_cast<size_t>(order.offering)][day];
    const double per_return = context.plan.return_cost[static_cast<size_t>(order.offering)][day];
    const double side_loads = SideLoadCost(scenario, offering);
    out.revenue += order.units * price;
    out.contribution += order.units * (price - offering.unit_cost - route - side_loads);
    const WallSeconds delivered = context.Happened(order.delivered);
    const bool matured =
        delivered != kNotYet && delivered + offering.return_lag.minutes * 60 <= context.as_of;
    double returned = context.Happened(order.returned) != kNotYet ? order.returned_units : 0;
    if (!matured && returned == 0) {
      // Not past its return lag: returns expected at the rate in force, as the plan counts them.
      returned = order.units * ReturnRateInForce(scenario, order.offering, static_cast<int>(day));
    }
    out.contribution -= returned * (price - offering.unit_cost + per_return);
    if (matured) {
      out.matured += order.units;
      out.returned += returned;
    }
  }
  return out;
}

// The plan over the measured time: what it would have brought without this campaign (its
// demand without the lift, at list price, with the offerings' own return rates), and per unit
// of the plan's demand with it, the route cost, return rate and tickets.
struct PlanRates {
  double without_units = 0;
  double without_contribution = 0;
  double route_cost = 0;  // per unit
  double return_rate = 0;
  double tickets = 0;  // per unit
};

PlanRates RatesOfPlan(const Context& context, int k, const DemandFigures& demand,
                      const std::vector<char>& covers) {
  const Scenario& scenario = context.scenario;
  const Campaign& campaign = scenario.campaigns[static_cast<size_t>(k)];
  const double elapsed_days = demand.figures.elapsed_days;
  const int first_day = DateOfWallSeconds(demand.from) - scenario.horizon.start;
  const int window_first_day = campaign.window.start - scenario.horizon.start;
  const int days = static_cast<int>(std::ceil(elapsed_days - 1e-9));
  PlanRates rates;
  double with_total = 0;
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    if (!covers[o]) continue;
    const Offering& offering = scenario.offerings[o];
    double loads = 0;
    for (const Load& load : offering.loads) loads += load.per_unit;
    for (int i = 0; i < days; ++i) {
      const int horizon_day = first_day + i;
      const size_t day = static_cast<size_t>(horizon_day);
      const double share = std::min(1.0, elapsed_days - i);
      const double base = context.plan.baseline[o][day] *
                          context.plan.DayShare(static_cast<int>(o), 0, share * kMinutesPerDay);
      const double rate = offering.return_rate;
      const double route = context.plan.route_cost[o][day];
      rates.without_units += base;
      rates.without_contribution +=
          base * ((offering.price - offering.unit_cost) * (1 - rate) - route -
                  SideLoadCost(scenario, offering) - rate * context.plan.return_cost[o][day]);
      const double weight =
          context.plan.weight[static_cast<size_t>(k)][day - static_cast<size_t>(window_first_day)];
      const double with = base * (1 + campaign.lift.expected * weight);
      rates.route_cost += with * route;
      rates.return_rate +=
          with * ReturnRateInForce(scenario, static_cast<int>(o), static_cast<int>(day));
      rates.tickets += with * loads;
      with_total += with;
    }
  }
  if (with_total > 0) {
    rates.route_cost /= with_total;
    rates.return_rate /= with_total;
    rates.tickets /= with_total;
  }
  return rates;
}

// Tickets arrive a lag after their orders: those opened in the measured time (at resources the
// covered offerings load, naming a covered offering or none) per 100 units placed one lag
// earlier (the orders that caused them). None without a tickets file.
std::optional<double> TicketsPer100(const Context& context, const std::vector<char>& covers,
                                    WallSeconds from) {
  const Scenario& scenario = context.scenario;
  if (!context.actuals.has_tickets) return std::nullopt;
  std::vector<char> loaded(scenario.resources.size(), 0);
  int64_t lag_seconds = 0;  // the longest lag of the covered offerings' loads
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    if (!covers[o]) continue;
    for (const Load& load : scenario.offerings[o].loads) {
      loaded[static_cast<size_t>(scenario.ResourceIndex(load.resource))] = 1;
      lag_seconds = std::max<int64_t>(lag_seconds, load.lag.minutes * 60);
    }
  }
  double count = 0;
  for (const TicketRecord& ticket : context.actuals.tickets) {
    if (!loaded[static_cast<size_t>(ticket.resource)] || ticket.opened < from ||
        ticket.opened > context.as_of)
      continue;
    if (ticket.offering >= 0 && !covers[static_cast<size_t>(ticket.offering)]) continue;
    count += 1;
  }
  double causing = 0;
  for (const OrderRecord& order : context.actuals.orders) {
    if (covers[static_cast<size_t>(order.offering)] && order.placed >= from - lag_seconds &&
        order.placed < context.as_of - lag_seconds)
      causing += order.units;
  }
  if (causing <= 0) return std::nullopt;
  return 100 * count / causing;
}

Metric KeptRate(const std::vector<PromiseFollowUp>& promises,
                const std::vector<PromiseResult>& plan_promises) {
  Metric metric = Make("promise_kept_rate", "share");
  int kept = 0;
  for (const PromiseFollowUp& promise : promises) kept += promise.status == PromiseStatus::kKept;
  if (!promises.empty()) metric.actual = static_cast<double>(kept) / promises.size();
  if (!plan_promises.empty()) {
    int plan_kept = 0;
    for (const PromiseResult& promise : plan_promises)
      plan_kept += promise.status == PromiseStatus::kKept ? 1 : 0;
    metric.p50 = static_cast<double>(plan_kept) / static_cast<double>(plan_promises.size());
  }
  return metric;
}

}  // namespace

std::vector<Metric> CampaignMetrics(const Context& context, int k, const DemandFigures& demand,
                                    const CampaignResult* plan,
                                    const std::vector<PromiseFollowUp>& promises,
                                    const std::vector<PromiseResult>& plan_promises) {
  const Scenario& scenario = context.scenario;
  const Campaign& campaign = scenario.campaigns[static_cast<size_t>(k)];
  const DemandFollowUp& figures = demand.figures;
  std::vector<Metric> out;
  if (figures.elapsed_days <= 0) return out;
  const double elapsed_share =
      demand.window_expected > 0 ? std::min(1.0, figures.expected / demand.window_expected) : 1.0;
  std::vector<char> covers(scenario.offerings.size(), 0);
  for (const std::string& id : campaign.offerings)
    covers[static_cast<size_t>(scenario.OfferingIndex(id))] = 1;
  const Earned earned = EarnedByOrders(context, covers, demand.from, demand.to);
  const PlanRates rates = RatesOfPlan(context, k, demand, covers);

  Metric units = Make("units", "units");
  units.actual = figures.units;
  units.p50 = figures.expected;
  if (!campaign.lift.certain) {
    // The lift's 5th and 95th percentiles are low and high (scenario-format.md); demand is
    // linear in it: expected = others' part + lift x (weighted baseline).
    const double weighted = demand.weighted_baseline;
    const double rest = figures.expected - campaign.lift.expected * weighted;
    units.p5 = rest + campaign.lift.low * weighted;
    units.p95 = rest + campaign.lift.high * weighted;
  }
  out.push_back(units);

  Metric revenue = Make("revenue", "money");
  revenue.actual = earned.revenue;
  if (plan) Band(plan->economics.revenue, elapsed_share, &revenue);
  out.push_back(revenue);

  const double incremental_actual = earned.contribution - rates.without_contribution;
  Metric incremental = Make("incremental_contribution", "money");
  incremental.actual = incremental_actual;
  if (plan) Band(plan->economics.incremental_contribution, elapsed_share, &incremental);
  out.push_back(incremental);

  // Spend rows up to as-of, else the planned spend; the plan's spend to date is its spend spread
  // evenly over the window's days.
  double spend_actual = campaign.spend;
  bool any_spend = false;
  double spent = 0;
  for (const SpendRecord& record : context.actuals.spend) {
    if (record.campaign != k || WallSecondsOf(record.date) > context.as_of) continue;
    any_spend = true;
    spent += record.amount;
  }
  if (any_spend) spend_actual = spent;
  const double planned_spend =
      campaign.spend *
      std::min(1.0, static_cast<double>(demand.to - WallSecondsOf(campaign.window.start)) /
                        (86400.0 * campaign.window.days()));
  Metric spend = Make("spend", "money");
  spend.actual = spend_actual;
  spend.p50 = planned_spend;
  out.push_back(spend);

  Metric roi = Make("roi", "ratio");
  if (spend_actual > 0) roi.actual = (incremental_actual - spend_actual) / spend_actual;
  if (plan && planned_spend > 0) {
    const Percentiles& value = plan->economics.incremental_contribution;
    roi.p50 = (value.p50 * elapsed_share - planned_spend) / planned_spend;
    roi.p5 = (value.p5 * elapsed_share - planned_spend) / planned_spend;
    roi.p95 = (value.p95 * elapsed_share - planned_spend) / planned_spend;
  }
  out.push_back(roi);

  Metric cac = Make("cac_with_fulfilment", "money");
  const double extra_units = figures.units - rates.without_units;
  if (extra_units > 0.5) cac.actual = (spend_actual + extra_units * rates.route_cost) / extra_units;
  if (plan && plan->economics.cac_with_fulfilment) cac.p50 = *plan->economics.cac_with_fulfilment;
  out.push_back(cac);

  Metric returns = Make("return_rate", "share");
  if (earned.matured > 0) returns.actual = earned.returned / earned.matured;
  returns.p50 = rates.return_rate;
  out.push_back(returns);

  Metric tickets = Make("tickets_per_100_units", "per 100 units");
  tickets.actual = TicketsPer100(context, covers, demand.from);
  tickets.p50 = 100 * rates.tickets;
  out.push_back(tickets);

  out.push_back(KeptRate(promises, plan_promises));
  return out;
}

}  // namespace tandem::followup
