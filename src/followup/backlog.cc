// The backlog on a campaign's binding resource, actual against the plan's band (docs/
// follow-up.md, "The backlog on the binding resource").
//
// The check's series is the day's largest backlog at the ends of the day's steps (work waiting
// to start, in the resource's units); the actual is the same figure from the timestamps. An
// order waits at resource R from its arrival there (placed, plus the processing times of the
// route's stages before R) until its start there (processed, less the processing times of R
// and the stages after it): the actuals stamp only the end of the route, so the stages around
// R are taken to have no queue, which is what "binding" means. Not processed by as-of: still
// waiting. A ticket waits at its resource from opened until answered less the processing time.
#include <algorithm>
#include <set>

#include "followup/internal.h"

namespace tandem::followup {
namespace {

int64_t CeilDiv(int64_t numerator, int64_t denominator) {  // denominator > 0
  const int64_t quotient = numerator / denominator;
  return quotient + (numerator % denominator > 0 ? 1 : 0);
}

Duration ProcessingTimeOn(const Resource& resource, Date date) {
  Duration time = resource.processing_time;
  for (const ResourceChange& change : resource.changes) {  // sorted by `from`
    if (date < change.from) break;
    if (change.processing_time) time = *change.processing_time;
  }
  return time;
}

// Whether the actuals time work at `resource`: it is on a route, or a response promise measures
// its tickets. Side loads and returns handling are not stamped.
bool Timed(const Scenario& scenario, const std::string& resource) {
  for (const Offering& offering : scenario.offerings) {
    for (const RouteStep& step : offering.route) {
      if (step.resource == resource) return true;
    }
  }
  auto measures = [&](const std::vector<Promise>& promises) {
    return std::any_of(promises.begin(), promises.end(), [&](const Promise& promise) {
      return promise.type == PromiseType::kResponse && promise.resource == resource;
    });
  };
  if (measures(scenario.messaging)) return true;
  return std::any_of(scenario.campaigns.begin(), scenario.campaigns.end(),
                     [&](const Campaign& campaign) { return measures(campaign.promises); });
}

// The check page's first chart (web campaign-section.js, orderedThroughput): a resource a
// promise is bound by, then an overloaded one, then the route order; among those timed.
const ThroughputCheck* BacklogResourceOf(const Scenario& scenario, const CampaignResult& plan) {
  std::set<std::string> binding;
  for (const PromiseResult& promise : plan.promises)
    binding.insert(promise.binding.begin(), promise.binding.end());
  const ThroughputCheck* chosen = nullptr;
  int chosen_rank = 4;
  for (const ThroughputCheck& check : plan.throughput) {
    const int rank = (binding.count(check.resource) ? 0 : 2) + (check.overloaded ? 0 : 1);
    if (rank < chosen_rank && Timed(scenario, check.resource)) {
      chosen = &check;
      chosen_rank = rank;
    }
  }
  return chosen;
}

}  // namespace

void AddBacklog(const Context& context, int k, const CampaignResult* plan, DemandFollowUp* demand) {
  if (plan == nullptr) return;
  const Scenario& scenario = context.scenario;
  const ThroughputCheck* check = BacklogResourceOf(scenario, *plan);
  if (check == nullptr) return;
  const int r = scenario.ResourceIndex(check->resource);
  const Resource& resource = scenario.resources[static_cast<size_t>(r)];
  demand->backlog_resource = resource.id;
  demand->backlog_unit = resource.unit;

  // The sample points: the ends of the window's steps, t_j = from + (j + 1) x step.
  const Campaign& campaign = scenario.campaigns[static_cast<size_t>(k)];
  const int64_t step = context.plan.step_minutes * 60;
  const int steps_per_day = context.plan.steps_per_day;
  const WallSeconds from = WallSecondsOf(campaign.window.start);
  const int64_t points = static_cast<int64_t>(campaign.window.days()) * steps_per_day;
  // The first point that is not before the time (points: none).
  auto first_at_or_after = [&](WallSeconds time) {
    if (time == kNotYet) return points;
    return std::clamp<int64_t>(CeilDiv(time - from, step) - 1, 0, points);
  };
  // Waiting over [arrival, start): +work at the first point it covers, -work past the last.
  std::vector<double> change(static_cast<size_t>(points) + 1, 0.0);
  auto wait = [&](WallSeconds arrival, WallSeconds start, double work) {
    const int64_t first = first_at_or_after(arrival);
    const int64_t past = first_at_or_after(start);
    if (work <= 0 || first >= past) return;
    change[static_cast<size_t>(first)] += work;
    change[static_cast<size_t>(past)] -= work;
  };
  const WallSeconds window_to = WallSecondsOf(campaign.window.end + 1);
  // Per offering: R's work per unit, and its route's resources before R and from R on.
  struct Route {
    double per_unit = 0;
    std::vector<const Resource*> before, from_here;
  };
  std::vector<Route> routes(scenario.offerings.size());
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    Route& route = routes[o];
    for (const RouteStep& stage : scenario.offerings[o].route) {
      if (stage.resource == resource.id) route.per_unit += stage.per_unit;
      (route.per_unit > 0 ? route.from_here : route.before)
          .push_back(scenario.FindResource(stage.resource));
    }
  }
  for (const OrderRecord& order : context.actuals.orders) {
    const Route& route = routes[static_cast<size_t>(order.offering)];
    if (route.per_unit <= 0 || order.placed > context.as_of || order.placed >= window_to) continue;
    WallSeconds arrival = order.placed;
    for (const Resource* at : route.before)
      arrival += ProcessingTimeOn(*at, DateOfWallSeconds(order.placed)).minutes * 60;
    WallSeconds start = context.Happened(order.processed);
    if (start != kNotYet) {
      const Date processed_on = DateOfWallSeconds(start);
      for (const Resource* at : route.from_here)
        start -= ProcessingTimeOn(*at, processed_on).minutes * 60;
    }
    wait(arrival, start, order.units * route.per_unit);
  }
  for (const TicketRecord& ticket : context.actuals.tickets) {
    if (ticket.resource != r || ticket.opened > context.as_of || ticket.opened >= window_to)
      continue;
    const WallSeconds answered = context.Happened(ticket.answered);
    const WallSeconds start =
        answered == kNotYet
            ? kNotYet
            : answered - ProcessingTimeOn(resource, DateOfWallSeconds(answered)).minutes * 60;
    wait(ticket.opened, start, 1.0);
  }

  // Measured: the points at or before as-of, from the day the actuals begin (an export that
  // starts late does not say what was waiting before it).
  const int64_t measured_to =
      context.as_of < from ? 0 : std::min(points, (context.as_of - from) / step);
  const int64_t measured_from =
      context.orders_from ? std::clamp<int64_t>((*context.orders_from - from) / step, 0, points)
                          : points;
  double backlog = 0;
  for (size_t day = 0; day < demand->days.size(); ++day) {
    DemandDay& chart = demand->days[day];
    DemandDay::Backlog figures;
    for (int s = 0; s < steps_per_day; ++s) {
      const int64_t j = static_cast<int64_t>(day) * steps_per_day + s;
      backlog += change[static_cast<size_t>(j)];
      if (j < measured_from || j >= measured_to) continue;
      // Sums of whole units and per_unit figures: a tiny negative is rounding.
      figures.actual = std::max(figures.actual.value_or(0.0), std::max(0.0, backlog));
    }
    for (const ThroughputCheck::Day& planned : check->days) {
      if (planned.date != chart.date) continue;
      figures.p5 = planned.backlog.p5;
      figures.p50 = planned.backlog.p50;
      figures.p95 = planned.backlog.p95;
    }
    chart.backlog = figures;
  }
}

}  // namespace tandem::followup
